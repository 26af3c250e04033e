import json
C = {}
def add(kind, **fields):
    C.setdefault(kind, []).append(fields)
    return len(C[kind]) - 1
L = ["[scene]", "[canvas:wide]", "[layout:memory_map]", "[theme:infra_dark]", "[tone:blue]", "[hero:left]",
     "[rail:none]", "[topic:v7_train_memory_canary]"]
h = add("header_band", headline="v7 Training Memory Layout and Canary Diagnostics",
        subtitle="Contiguous arena, section boundaries, tensor slots, and phase checks")
L.append(f"[header_band:@header_band.{h}.headline|@header_band.{h}.subtitle|accent=amber|rule=gradient]")
def line(text, style="body", accent=None, align=None):
    i = add("text_line", text=text)
    extra = (f"|style={style}" if style != "body" else "") + (f"|accent={accent}" if accent else "") + (f"|align={align}" if align else "")
    return f"[text_line:@text_line.{i}.text{extra}]"
def seg(label, caption, accent, node=None):
    i = add("segment", label=label, caption=caption)
    return f"[segment:" + (f"node_id={node}|" if node else "") + f"@segment.{i}.label|@segment.{i}.caption|accent={accent}|outline=thin|fill=tint|align=left]"
L += ["[panel]", line("g_memory = calloc(total_floats) with 64-byte alignment and deterministic offsets from layout_train.json"), "[/panel]"]
L += ["[panel]", "[node_id:arena]", seg("weights", "persistent model params readonly in forward", "blue"),
      seg("activations", "act.* and saved.* produced in forward", "blue"),
      seg("grad_act", "grad.act.* produced in backward", "green"),
      seg("grad_weights", "dW and tmp.dW accumulated in IR2", "green"),
      seg("optimizer", "adamw m and v updated in step()", "amber"),
      seg("temp + aux", "scratch and loss diagnostic metadata", "purple"), "[/panel]"]
def col(node, title, accent, lines):
    out = ["[group]", line(title, "accent", accent), "[panel]", f"[node_id:{node}]", f"[accent:{accent}]"]
    out += [line(lines[0])] + [line(t, "muted") for t in lines[1:]]
    return out + ["[/panel]", "[/group]"]
L += ["[group]", "[arrange:row]"]
L += col("guards", "Canary Guards", "blue", ["Per tensor slot metadata:",
        "name, offset_floats, numel, canary_offset, section, writable_fwd, writable_bwd",
        "guard pattern: 0xDEADBEEF (16 floats, 64 bytes)", "tail canary catches overrun near allocator boundary"])
L += col("phases", "Diagnostic Phases", "green", ["1) plant canaries, snapshot weights",
        "2) run forward, check canaries, verify weights unchanged", "3) run backward, check canaries",
        "4) run optimizer, final canary check, optional oracle compare"])
L += ["[/group]"]
p = add("panel", title="Operational Checks")
L += ["[panel]", "[accent:amber]", f"[title_ref:panel.{p}.title]",
      line("- layout_train_audit.json: overlap, bounds, alignment, section ownership"),
      line("- memory_diagnostic_latest.json: phase, first_corrupt_idx, failed_op_id, rc code"),
      line("- generated_train_runtime_summary_v7.json: emitted ops, slot map, callable kernels"),
      line("- strict run: cks-v7-run train --backend ck --train-strict"),
      line("If a guard fails, use op trace plus slot map to find first write beyond declared tensor bounds.", "muted"),
      "[/panel]"]
L += ["[link:from_ref=arena|to_ref=guards]", "[link:from_ref=arena|to_ref=phases]"]
L.append("[/scene]")
open("scene.dsl", "w").write("\n".join(L) + "\n")
json.dump(C, open("content.json", "w"), indent=2, ensure_ascii=False)
open("content.json", "a").write("\n")
