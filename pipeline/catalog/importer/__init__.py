"""Products in from the spreadsheets curators keep (issue 16).

sheet (xlsx/csv -> rows of cell values) -> columns (which header means which field) -> cells (what
offices type -> YAML values), photos (the files a row names) -> plan (rows judged by the catalogue's
own fields and compared with content/: new, changed, unchanged, edited by hand, errors) -> apply (the
dashboard's validated, atomic writer and photo intake). record keeps what an import wrote; template
writes a sheet to fill in.
"""
