"""The planner's workbooks: allocation.xlsx (XlsxWriter), the official annex, the project-list
template, and the same sheets written into a copy of the planner's own workbook (openpyxl)."""
