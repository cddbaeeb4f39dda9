package rtsp

// TunnelProxyFor exposes tunnelProxy to the external tests: the proxy the
// tunnel would use to reach addr, or nil for a direct connection.
var TunnelProxyFor = tunnelProxy
