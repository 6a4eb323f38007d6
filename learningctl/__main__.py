from learningctl.main import app

app()
