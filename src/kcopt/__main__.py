from kcopt.cli import main

main()
