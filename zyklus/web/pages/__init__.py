"""The pages, one module per area of the app; each is a FastAPI router."""
