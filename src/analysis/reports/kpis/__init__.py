"""The KPI report: the YJB's ten key performance indicators for the quarter, their direction over the quarters the
extract supports, and the quarter's KPI return laid out as the YJB asks for it."""
