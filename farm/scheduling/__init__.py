"""The farm's one scheduling core: the job queue, the dispatcher that hands its frames
and items to warm workers on Ray, and the workers themselves. The service runs it behind
its API; the command line runs it embedded. It imports nothing of either front."""
