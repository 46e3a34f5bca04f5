"""The sustainability report: one self-contained HTML file (inline CSS and SVG, no JavaScript,
no fonts or files from the network), rendered with jinja2 from ``templates/``."""
