from vidlint.cli import main

main()
