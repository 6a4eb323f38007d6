from services.catalog.main import DEFINITION
from shared.entrypoint import main

main(DEFINITION)
