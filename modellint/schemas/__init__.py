"""JSON schemas of modellint's own output formats."""
