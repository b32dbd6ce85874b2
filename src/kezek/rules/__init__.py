"""Rules as code: pure, dated, explainable, vectorised. Imports nothing else of Kezek."""
