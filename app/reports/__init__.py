"""What the union files: the quarterly form (附件3) and its XLSX, plan progress, quality evaluation, investments."""
