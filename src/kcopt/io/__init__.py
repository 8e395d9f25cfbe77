"""Readers and writers: CSV / XLSX tables in, CSV / JSON / PNG out, always atomically."""
