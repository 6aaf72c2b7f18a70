"""Several Relais servers behind HAProxy, and a load generator speaking Streamlit's protocol.

No Streamlit import here at module level: the cluster is started and driven from outside
the servers (manage.py serve/loadtest, the cluster test and bench).
"""
