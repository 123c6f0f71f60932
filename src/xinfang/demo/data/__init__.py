"""Text and organisation data of the demo county (伏牛县, fictional), kept apart from the generator's logic."""
