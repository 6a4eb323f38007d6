from services.evidence.main import DEFINITION
from shared.entrypoint import main

main(DEFINITION)
