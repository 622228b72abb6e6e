"""What services and the gateway share, and all they share besides `common`: the API models the gateway
serves and relays, and the versioned events that travel between services.

Nothing in here knows a service: no framework route, no database, no use case. A service imports its own
package, `contracts` and `common`; only composition roots (`maillage/`, the services' bootstrap modules)
reach into several services.
"""
