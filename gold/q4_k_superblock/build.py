import json
C = {}
def add(kind, **fields):
    C.setdefault(kind, []).append(fields)
    return len(C[kind]) - 1
def ref(kind, i, *fs):
    return "|".join(f"@{kind}.{i}.{f}" for f in fs)
L = ["[scene]", "[canvas:landscape]", "[layout:memory_map]", "[theme:infra_dark]", "[tone:blue]", "[hero:center]",
     "[inset:sm]", "[gap:md]", "[rail:none]", "[topic:q4_k_superblock]"]
h = add("header_band", headline="Q4_K: Two-Level Quantization (K-Quants)",
        subtitle="256 weights per super-block × 8 sub-blocks × 32 weights each = 144 bytes")
L.append(f"[header_band:{ref('header_band', h, 'headline', 'subtitle')}|accent=purple]")
def line(text, style="body", accent=None, align=None):
    i = add("text_line", text=text)
    extra = (f"|style={style}" if style != "body" else "") + (f"|accent={accent}" if accent else "") + (f"|align={align}" if align else "")
    return f"[text_line:@text_line.{i}.text{extra}]"
L += ["[panel]", "[accent:amber]", "[outline:bold]",
      line("KEY INSIGHT: Nested Scales = Better Accuracy with Same Bits", "accent", "amber", "center"),
      line("Super-block FP16 scale × Sub-block 6-bit scale × 4-bit weight → captures both global and local variation", "muted", None, "center"),
      "[/panel]"]
def kv(label, value, style="code", accent=None):
    i = add("kv_row", label=label, value=value)
    return f"[kv_row:@kv_row.{i}.label|@kv_row.{i}.value|style={style}" + (f"|accent={accent}]" if accent else "]")
def heading(text):
    i = add("header_band", headline=text)
    return f"[header_band:@header_band.{i}.headline|accent=blue]"
def seg(label, caption=None, size=None, accent=None, span=1, extra=""):
    f = {"label": label}
    if caption: f["caption"] = caption
    if size: f["size"] = size
    i = add("segment", **f)
    cells = [f"@segment.{i}.{k}" for k in f]
    attrs = (f"|accent={accent}" if accent else "") + (f"|span={span}" if span > 1 else "") + extra
    return f"[segment:{'|'.join(cells)}{attrs}]"
T = "|outline=bold|fill=tint"
L.append(heading("SUPER-BLOCK STRUCTURE (144 bytes for 256 weights)"))
L += [seg("d", "FP16 scale", "2 bytes", "purple", 1, T), seg("dmin", "FP16 min", "2 bytes", "red", 1, T),
      seg("scales[12]", "8 sub-scales + 8 sub-mins (6-bit packed)", "12 bytes", "blue", 2, T),
      seg("qs[128]", "256 × 4-bit weights (2 per byte)", "128 bytes", "green", 7, T)]
L.append(heading("8 SUB-BLOCKS (32 weights each)"))
sub = "|outline=thin|fill=tint"
L += ["[group]", "[arrange:row]", "[group]",
      seg("Sub-block 0", "weights 0-31", None, "blue", 1, sub), seg("Sub-block 1", "weights 32-63", None, "blue", 3, sub),
      seg("Sub-block 2", "weights 64-95", None, "blue", 1, sub), seg("", None, None, None, 1, "|variant=elided"),
      seg("Sub-block 7", "weights 224-255", None, "blue", 1, sub),
      "[/group]", "[group]", line("Each sub-block has:"), line("• 6-bit scale (0-63)   • 6-bit min (0-63)", "result", "blue"),
      "[/group]", "[/group]"]
L.append(heading("THE TRICKY PART: Unpacking scales[12]"))
bit = "|outline=thin|fill=tint"
L += ["[panel]", line("12 bytes pack 16 values (8 scales + 8 mins) using 6-bit encoding:", "accent", "amber"),
      "[group]", "[arrange:row]", "[group]",
      kv("bytes 0-3:", "scales[0-3] (low 6 bits) + 2 high bits for scales[4-7]", "mono", "blue"),
      kv("bytes 4-7:", "mins[0-3] (low 6 bits) + 2 high bits for mins[4-7]", "mono", "red"),
      kv("bytes 8-11:", "low 4 bits for scales[4-7], high 4 bits for mins[4-7]", "mono", "green"),
      "[/group]", "[group]", line("Byte 0 structure:", "accent", "amber")]
L += [seg(b, None, None, "blue", 1, bit) for b in "543210"] + [seg(b, None, None, "red", 1, bit) for b in ("H1", "H0")]
L += ["[/group]", "[/group]",
      line("Unpacking code:", "accent", "blue"),
      kv("sc[0] = scales[0] & 0x3F;           // bits 0-5", ""),
      kv("sc[4] = (scales[8] & 0x0F) | ((scales[0] >> 6) << 4);  // combine!", "← low 4 from byte 8, high 2 from byte 0", "code", "green"),
      "[/panel]"]
L.append(heading("DEQUANTIZATION FORMULA"))
L += ["[panel]", "[group]", "[arrange:row]", "[group]",
      seg("weight[i] =", None, None, None, 3, "|fill=none"), seg("d", None, None, "purple", 2, bit),
      seg("×", None, None, None, 1, "|fill=none"), seg("sc[sb]", None, None, "blue", 2, bit),
      seg("×", None, None, None, 1, "|fill=none"), seg("qs[i]", None, None, "green", 2, bit),
      seg("-", None, None, None, 1, "|fill=none"), seg("dmin", None, None, "red", 2, bit),
      seg("×", None, None, None, 1, "|fill=none"), seg("m[sb]", None, None, "blue", 2, bit),
      line("where: sb = sub-block index (0-7), sc = sub-scale, m = sub-min", "muted"),
      "[/group]", "[group]", line("3-Level Precision:", "accent", "amber"),
      line("1. Super-block scale (FP16)", "result", "purple"), line("2. Sub-block scale (6-bit)", "result", "blue"),
      line("3. Weight value (4-bit)", "result", "green"), "[/group]", "[/group]",
      line("Why nested scales work: Local variation captured without wasting bits globally!", "accent", "green"),
      "[/panel]"]
L += ["[panel]", "[accent:blue]", line("Q4_K vs Q4_0 Comparison", "accent", "blue", "center"),
      "[group]", "[arrange:row]", "[group]",
      line("Q4_0: 1 scale per 32 weights"), line("→ 18 bytes / 32 weights = 4.5 bits/weight", "muted"),
      line("→ Coarse quantization, loses detail", "muted"), "[/group]", "[group]",
      line("Q4_K: 2-level scales per 256 weights"), line("→ 144 bytes / 256 weights = 4.5 bits/weight (same!)", "muted"),
      line("→ Better accuracy: nested scales adapt to local variation", "result", "green"), "[/group]", "[/group]",
      "[/panel]"]
L.append("[/scene]")
open("scene.dsl", "w").write("\n".join(L) + "\n")
json.dump(C, open("content.json", "w"), indent=2, ensure_ascii=False)
open("content.json", "a").write("\n")
