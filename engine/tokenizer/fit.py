"""Whether a row fits the context, and the 80 % output share: the one rule that the builder, QC,
trainer, canary, budget report and studio all ask (SPEC.md section 6; seed: "Context Budget Is A
Gate", and the checklist's "Longest gold output fits within 80% of context window").

What counts. A trained row is <|bos|> prompt target <|eos|>, packed whole into a window of
ctx + 1 tokens: the model reads ctx of them and is scored on the next token of each
(engine/train/data.py). So <|bos|> rides in the window's extra token, and a row costs
prompt + output of ctx, where output = target + <|eos|>, the tokens a probe must generate. The
same count is the probe's: from <|bos|> + prompt, a decode has room for ctx - 1 - prompt tokens,
which holds the target up to its closing [/scene] exactly when the row fits. <|pad|> and
<|unk|> are never extra tokens of a row.

    >>> row_tokens(prompt=100, target=667), fits(768, ctx=768), fits(769, ctx=768)
    (768, True, False)
    >>> output_limit(1000), output_fits(800, ctx=1000), output_fits(801, ctx=1000)
    (800.0, True, False)
"""
from __future__ import annotations

OUTPUT_SHARE = 0.8      # seed: "Longest gold output fits within 80% of context window"


def output_tokens(target: int) -> int:
    """Tokens a probe generates for a target of `target` tokens: the target and <|eos|>."""
    return target + 1


def row_tokens(prompt: int, target: int) -> int:
    """Tokens a row takes of the context, from its prompt's and target's token counts."""
    return prompt + output_tokens(target)


def fits(tokens: int, ctx: int) -> bool:
    """Whether a row of `tokens` (as `row_tokens()` counts them) is trained whole and probed with
    room for its target."""
    return tokens <= ctx


def output_limit(ctx: int) -> float:
    """The most output tokens the 80 % rule allows at `ctx`."""
    return OUTPUT_SHARE * ctx


def output_fits(output: int, ctx: int) -> bool:
    """The 80 % rule for one output of `output` tokens (as `output_tokens()` counts them)."""
    return output <= output_limit(ctx)
