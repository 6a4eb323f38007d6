from services.progress.main import DEFINITION
from shared.entrypoint import main

main(DEFINITION)
