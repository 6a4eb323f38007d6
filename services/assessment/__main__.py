from services.assessment.main import DEFINITION
from shared.entrypoint import main

main(DEFINITION)
