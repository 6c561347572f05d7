"""The static HTML report (``html``), rendered from the Jinja2 templates in ``templates/``."""
