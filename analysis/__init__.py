"""Japan's ties with the world, from the Diplomatic Bluebook 2013, chapter 4, section 1.

Modules, one concern each:

- :mod:`analysis.japanese` – numbers and eras in Japanese text (``約714万人`` → 7,140,000).
- :mod:`analysis.printed` – what a printed figure allows: rounding, qualifiers, verdicts.
- :mod:`analysis.prefectures` – the 47 prefectures (JIS X 0401 codes, names, regions).
- :mod:`analysis.datadir` – where the data are, installed or in a checkout.
- :mod:`analysis.metadata` – the data dictionary (every column, vocabulary and indicator).
- :mod:`analysis.validate` – checks that fail with the file, row and value that broke them.
- :mod:`analysis.data` – loaders for every table in ``data/`` and the indicator catalogue.
- :mod:`analysis.composition` – shares, contributions to a change, rates per head.
- :mod:`analysis.models` – shock recovery, breakpoints, bounded growth, forecasts, backtests.
- :mod:`analysis.claims` – the fact-check of the report's quantitative claims.
- :mod:`analysis.summary`, :mod:`analysis.residents`, :mod:`analysis.visas`,
  :mod:`analysis.embassies`, :mod:`analysis.volunteers`, :mod:`analysis.facts`,
  :mod:`analysis.local` – section-specific tables for the notebooks.
- :mod:`analysis.plots` – the chart and table theme; :mod:`analysis.report` – notebook
  runner and HTML report.
"""

__version__ = "0.2.0"
