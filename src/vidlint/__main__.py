from vidlint.cli import entry

entry()
