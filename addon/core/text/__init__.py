"""Text understanding: free descriptions to specs with a sentence-embedding model."""
