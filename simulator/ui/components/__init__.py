"""Widgets shared by the trainee pages: highlighted feedback, the stage ladder, the trust meter."""
