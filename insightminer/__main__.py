from insightminer.cli import main

main()
