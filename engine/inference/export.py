"""`ck export RUN -o DIR`: a trained checkpoint in the Hugging Face Llama layout.

Our transformer is a Llama in all but names (engine/model/model.py: RMSNorm, rotate-half RoPE,
grouped-query attention, SwiGLU, tied embeddings, no biases), so the export renames tensors and
writes the config; no weight is changed. DIR then holds:

    config.json             LlamaConfig: sizes, rope_theta, rms_norm_eps, tied embeddings, token ids
    model.safetensors       the weights under transformers' names (lm_head is the tied embedding)
    generation_config.json  bos / eos / pad ids and the stop marker's id
    ck_tokenizer.json       this run's tokenizer, as `engine.tokenizer.Tokenizer.load` reads it (not
                            named tokenizer.json: that name is the `tokenizers` library's format)
    vocab.json              token -> id, for tools that only need to read ids back
    README.md               how a prompt is written and where generation stops

so that `LlamaForCausalLM.from_pretrained(DIR)` loads it and gives our logits
(tests/test_export.py holds the tolerance). The tokenizer stays ours: its words-then-characters
fallback for identifiers has no exact equivalent among the `tokenizers` library's models, and a
near one would give other ids for a topic it has not seen whole.
"""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from engine.fileio import InputError, write_atomic
from engine.probe.weights import Trained

# our parameter name -> transformers' Llama name, per layer (`layers.{i}.` prefix kept)
LLAMA_NAMES = {
    "attn_norm.weight": "input_layernorm.weight", "attn.wq.weight": "self_attn.q_proj.weight",
    "attn.wk.weight": "self_attn.k_proj.weight", "attn.wv.weight": "self_attn.v_proj.weight",
    "attn.wo.weight": "self_attn.o_proj.weight", "mlp_norm.weight": "post_attention_layernorm.weight",
    "mlp.w_gate.weight": "mlp.gate_proj.weight", "mlp.w_up.weight": "mlp.up_proj.weight",
    "mlp.w_down.weight": "mlp.down_proj.weight",
}


def llama_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The model's weights under transformers' LlamaForCausalLM names (tied: no lm_head)."""
    state = {"model.embed_tokens.weight": model.tok_emb.weight, "model.norm.weight": model.norm.weight}
    for name, p in model.named_parameters():
        if name.startswith("layers."):
            _, i, rest = name.split(".", 2)
            state[f"model.layers.{i}.{LLAMA_NAMES[rest]}"] = p
    return {k: v.detach().cpu().contiguous() for k, v in state.items()}


def llama_config(cfg, tokenizer=None) -> dict:
    """LlamaConfig's fields for a ModelConfig; the special token ids when the tokenizer is given."""
    ids = {"bos_token_id": tokenizer.bos_id, "eos_token_id": tokenizer.eos_id,
           "pad_token_id": tokenizer.pad_id} if tokenizer is not None else {}
    return ids | {
        "architectures": ["LlamaForCausalLM"], "model_type": "llama",
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.d_model, "intermediate_size": cfg.d_mlp,
        "num_hidden_layers": cfg.n_layer, "num_attention_heads": cfg.n_head, "num_key_value_heads": cfg.n_kv_head,
        "head_dim": cfg.head_dim, "max_position_embeddings": cfg.ctx, "rms_norm_eps": cfg.norm_eps,
        "rope_theta": cfg.rope_theta, "tie_word_embeddings": True, "attention_bias": False, "mlp_bias": False,
        "hidden_act": "silu", "torch_dtype": "float32",
    }


_README = """# {name}: a CK Scene Studio model in the Hugging Face Llama layout

Exported by `ck export` from {checkpoint} (step {step}, spec {spec}).

    from transformers import LlamaForCausalLM
    model = LlamaForCausalLM.from_pretrained("{folder}")

## Prompts
A prompt is one line of bracket tokens (SPEC.md section 4), preceded by the bos token:

    [task:svg] [layout:pipeline_lane] [topic:kv_cache] [theme:infra_dark] [tone:blue] [density:balanced] [OUT]

Encode it with the run's own tokenizer (`ck_tokenizer.json` here):

    from engine.tokenizer import Tokenizer
    tok = Tokenizer.load("{folder}/ck_tokenizer.json")
    ids = [tok.bos_id, *tok.encode(prompt)]

## Where generation stops
The answer is a canonical scene, `[scene]` ... `[/scene]`. Stop at the first `[/scene]` (id
{scene_end}), or at eos (id {eos}); read the first scene block only. `ck generate` does this, with
grammar-constrained decoding and repair; the scene compiles with a content.json (`ck compile`).
"""


def export(trained: Trained, out: str | Path) -> Path:
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out}: not empty; export into a new folder")
    out.mkdir(parents=True, exist_ok=True)
    tok, cfg = trained.tokenizer, trained.model.cfg
    save_file(llama_state(trained.model), str(out / "model.safetensors"), metadata={"format": "pt"})
    write_atomic(out / "config.json", json.dumps(llama_config(cfg, tok), indent=2) + "\n")
    scene_end = tok.vocab.index("[/scene]")
    write_atomic(out / "generation_config.json", json.dumps(
        {"bos_token_id": tok.bos_id, "eos_token_id": [tok.eos_id, scene_end], "pad_token_id": tok.pad_id,
         "do_sample": False}, indent=2) + "\n")
    tok.save(out / "ck_tokenizer.json")
    write_atomic(out / "vocab.json", json.dumps({t: i for i, t in enumerate(tok.vocab)}, indent=1, ensure_ascii=False) + "\n")
    write_atomic(out / "README.md", _README.format(name=out.name, checkpoint=trained.checkpoint, step=trained.step,
                                                   spec=trained.spec or "-", folder=out, scene_end=scene_end,
                                                   eos=tok.eos_id))
    return out
