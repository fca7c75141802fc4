"""The scripted meeting: the stage machine, the client's reactions and the session state."""
