"""Present a plan: views of a run or an output folder, the comparison, workbooks, figures, the HTML
report and the notebook display."""
