"""Each report's own parts, one folder per report, all with the same shape.

A report is a notebook, ``notebooks/NN_<name>.ipynb``, and (unless it uses only shared measures and words, as the
overview does) a folder here, ``reports/<name>/``, holding at most three modules:

``measures``
    Figures from the validated tables: functions that take ``rep.tables`` (and the quarter and the report's
    parameters) and return a figures frame (`analysis.safety.figures.frame`). No words, no charts.
``words``
    Titles that state the finding, sentences, table columns and notes, written from *published* figures (after
    ``rep.publish`` has withheld what must be withheld). May use ``measures``; never ``charts``.
``charts``
    Drawings of published figures with `analysis.present.charts`. May use ``measures`` and ``words``.

The notebook is the report's page: its parameters cell (the runner's ``quarter``, ``data_dir``, ``work_dir``,
``output_dir``, and ``suppress_up_to`` and ``mode``), then ``rep = report.open_report(...)``, and for each table
``rep.publish`` (suppression and the disclosure audit), ``rep.table``, ``charts.show`` and ``rep.say``, ending with
``rep.finish(title=..., headline=...)``. The runner finds the notebook by its name; nothing else needs registering.
What two reports share belongs in `analysis.measures` or `analysis.present`: a report never imports another
(`tests/unit/test_layers.py`). `docs/adding-a-report.md` walks through adding one.
"""

PARTS = ("measures", "words", "charts")  # the modules a report's folder may hold
