"""The YJB's ten key performance indicators (KPIs), counted from case-level data by the YJB's own rules.

`docs/kpi-definitions.md` is the specification (who is counted, numerator, denominator, splits, edge rules and
the decisions D1 to D22 where the YJB's pipeline is silent). One module per idea:

``orders``          the shared population: children with an order closing in the quarter, one row per child
                    (the most serious order), and the out-of-court programmes closing (KPI 6)
``time_points``     whether a record (an accommodation, an ETE placement, a status) was current at the start,
                    at the end or during an order
``school_age``      compulsory school age on a date (KPI 2)
``accommodation``   KPI 1          ``ete``              KPI 2         ``send``            KPI 3
``health``          KPIs 4 and 5   ``oocd``             KPI 6         ``wider_services``  KPI 7
``board``           KPI 8          ``serious_violence`` KPI 9         ``victims``         KPI 10
``kpi_return``      the quarter's figures laid out as the YJB's KPI return

Every KPI module has the same two entry points:

``figures(tables, period) -> figures frame``
    the KPI for one quarter from the validated tables, or ``None`` when an optional file it needs is absent
    (`missing(tables)` says which, in words);
``count(...)``
    the same from frames already prepared (the closing population and the KPI's records), so that unit tests
    can build the cases by hand.

Headline measures are named ``kpiN_<what>`` (e.g. ``kpi1_suitable_accommodation``), kind ``share`` with the
YJB's numerator and denominator and a Wilson interval, split by ``breakdown="type_of_order"`` (groups are the
labels in `orders.TYPES`, plus ``All``) where the YJB splits that way.
"""
