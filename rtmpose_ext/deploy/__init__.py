"""Deployment: MMDeploy configs, rewrites, conversion and a numpy runtime."""
