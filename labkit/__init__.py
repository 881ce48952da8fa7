"""labkit: the machinery behind the スマホ用電子証明書 course.

Each subpackage is one actor of the lecture; dependencies point one way (``make lint`` checks
the import-linter contracts in pyproject.toml): labs/widgets/course → world → phone/services →
office (the back office: contracts, HTTP, composition) → jlis ∥ municipality → se/reader →
card → cardos → apdu/pki.
"""

__version__ = "0.1.0"
