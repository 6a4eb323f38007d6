from services.audit.main import DEFINITION
from shared.entrypoint import main

main(DEFINITION)
