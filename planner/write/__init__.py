"""Results -> files: every workbook and JSON writer, written atomically."""
