"""Deployment: moving the force through the network (time-expanded LPs), closure days,
bottlenecks, disruptions and distance to the line of contact.

Entry point: :func:`deploy`; result: :class:`DeploymentResult`.
"""

from forcegen.engine.deployment.deploy import DeploymentResult, deploy

__all__ = ["DeploymentResult", "deploy"]
