"""CK Studio: the Qt desktop app over the engine. All engine work runs in studio/workers.py."""
