"""The CK reference engine: the transformer of engine/model in numpy kernels, independent of
torch, and the parity regimen that checks the torch model against it (`ck parity --config tiny`).

kernels.py (forward/backward pairs), model.py (the network over a dict of named parameters),
optim.py (SGD, AdamW), checkpoint.py (npz, no pickle) and cli.py import no torch; regimen.py,
loaded only by `ck parity`, is the one module here that does.
"""
