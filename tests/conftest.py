import os

# Tests run with debug-level settings that need no secret; production settings are tested
# explicitly where it matters.
os.environ.setdefault("DJANGO_DEBUG", "1")
