"""carbonpeak: progress reports on Zhejiang's industrial carbon-peak plan."""

__version__ = "0.1.0"
