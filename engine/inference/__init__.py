"""Using a trained model: `ck generate` (a scene from a prompt of one's own, generate.py) and
`ck export` (the weights and tokenizer in the Hugging Face Llama layout, export.py)."""
