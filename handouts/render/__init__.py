"""The only package that imports ReportLab: fonts, text, and one module per product."""
