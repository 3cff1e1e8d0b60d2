"""Headless findings and outputs (statistics, workbook, factsheet). Never imports Qt."""
