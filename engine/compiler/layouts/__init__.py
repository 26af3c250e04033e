"""Layout families: family name -> arrange(bound components, style) -> Layout."""
from __future__ import annotations

from engine.compiler.layouts import (
                                     comparison_span_chart,
                                     dashboard_cards,
                                     decision_tree,
                                     dual_panel_compare,
                                     memory_map,
                                     pipeline_lane,
                                     poster_stack,
                                     table_matrix,
                                     timeline_flow,
)

LAYOUTS = {
    "poster_stack": poster_stack.arrange,
    "comparison_span_chart": comparison_span_chart.arrange,
    "pipeline_lane": pipeline_lane.arrange,
    "table_matrix": table_matrix.arrange,
    "decision_tree": decision_tree.arrange,
    "dashboard_cards": dashboard_cards.arrange,
    "timeline_flow": timeline_flow.arrange,
    "memory_map": memory_map.arrange,
    "dual_panel_compare": dual_panel_compare.arrange,
}
