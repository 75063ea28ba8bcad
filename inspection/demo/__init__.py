"""Demonstration data: real reception locations and generated, realistic inspection visits."""
