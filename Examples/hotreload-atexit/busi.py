"""The business module of story 000: only an import."""
from logging.handlers import RotatingFileHandler  # noqa: F401


def run():
    return "wow, i am ok"
