"""Parts of the Firehose emulator (see ../README.md). Imported by firehose_emulator.py."""
