package io.companyagents.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes NetworkPolicy semantics over fabric8's model: a connection from one endpoint to
 * another's port is allowed when the source's egress allows it (no policy isolates the source
 * for egress, or one of those policies has a matching rule) and the destination's ingress
 * allows it (likewise). Peers: podSelector (policy's namespace), namespaceSelector (by the
 * namespace's kubernetes.io/metadata.name label), both (and), ipBlock (endpoints outside the
 * cluster). Ports: number or named container port, protocol (TCP by default), endPort.
 */
final class PolicyEvaluator {

    /** A pod (namespace != null) or an address outside the cluster (namespace == null). */
    record Endpoint(String name, String namespace, Map<String, String> labels, Map<String, Integer> namedPorts, String ip) {
        static Endpoint pod(String name, String namespace, Map<String, String> labels) {
            return new Endpoint(name, namespace, labels, Map.of(), null);
        }

        Endpoint withPorts(Map<String, Integer> ports) {
            return new Endpoint(name, namespace, labels, ports, ip);
        }

        static Endpoint external(String name, String ip) {
            return new Endpoint(name, null, Map.of(), Map.of(), ip);
        }
    }

    private final List<NetworkPolicy> policies;

    PolicyEvaluator(List<NetworkPolicy> policies) {
        this.policies = policies;
    }

    boolean allowed(Endpoint from, Endpoint to, int port, String protocol) {
        return egressAllowed(from, to, port, protocol) && ingressAllowed(from, to, port, protocol);
    }

    private boolean egressAllowed(Endpoint from, Endpoint to, int port, String protocol) {
        if (from.namespace() == null) {
            return true;
        }
        List<NetworkPolicy> isolating = policies.stream()
                .filter(p -> from.namespace().equals(p.getMetadata().getNamespace()) && types(p).contains("Egress")
                        && selects(p.getSpec().getPodSelector(), from.labels()))
                .toList();
        if (isolating.isEmpty()) {
            return true;
        }
        for (NetworkPolicy p : isolating) {
            for (NetworkPolicyEgressRule rule : nullToEmpty(p.getSpec().getEgress())) {
                if (peersMatch(rule.getTo(), p, to) && portsMatch(rule.getPorts(), to, port, protocol)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean ingressAllowed(Endpoint from, Endpoint to, int port, String protocol) {
        if (to.namespace() == null) {
            return true;
        }
        List<NetworkPolicy> isolating = policies.stream()
                .filter(p -> to.namespace().equals(p.getMetadata().getNamespace()) && types(p).contains("Ingress")
                        && selects(p.getSpec().getPodSelector(), to.labels()))
                .toList();
        if (isolating.isEmpty()) {
            return true;
        }
        for (NetworkPolicy p : isolating) {
            for (NetworkPolicyIngressRule rule : nullToEmpty(p.getSpec().getIngress())) {
                if (peersMatch(rule.getFrom(), p, from) && portsMatch(rule.getPorts(), to, port, protocol)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** policyTypes, defaulted as the API server does: Ingress always, Egress when egress rules exist. */
    static List<String> types(NetworkPolicy p) {
        List<String> types = p.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return p.getSpec().getEgress() != null && !p.getSpec().getEgress().isEmpty() ? List.of("Ingress", "Egress")
                : List.of("Ingress");
    }

    private static boolean peersMatch(List<NetworkPolicyPeer> peers, NetworkPolicy policy, Endpoint other) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peerMatches(peer, policy.getMetadata().getNamespace(), other)) {
                return true;
            }
        }
        return false;
    }

    private static boolean peerMatches(NetworkPolicyPeer peer, String policyNamespace, Endpoint other) {
        if (peer.getIpBlock() != null) {
            return other.ip() != null && inBlock(peer.getIpBlock(), other.ip());
        }
        if (other.namespace() == null) {
            return false;
        }
        LabelSelector ns = peer.getNamespaceSelector();
        LabelSelector pod = peer.getPodSelector();
        boolean namespaceOk = ns == null ? other.namespace().equals(policyNamespace)
                : selects(ns, Map.of("kubernetes.io/metadata.name", other.namespace()));
        boolean podOk = pod == null || selects(pod, other.labels());
        return namespaceOk && podOk;
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, Endpoint to, int port, String protocol) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            if (!proto.equals(protocol)) {
                continue;
            }
            IntOrString value = p.getPort();
            if (value == null) {
                return true;
            }
            Integer number = value.getIntVal() != null ? value.getIntVal() : to.namedPorts().get(value.getStrVal());
            if (number == null) {
                continue;
            }
            int end = p.getEndPort() == null ? number : p.getEndPort();
            if (port >= number && port <= end) {
                return true;
            }
        }
        return false;
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null) {
            for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
                if (!e.getValue().equals(labels.get(e.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement r : nullToEmpty(selector.getMatchExpressions())) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> labels.containsKey(r.getKey());
                case "DoesNotExist" -> !labels.containsKey(r.getKey());
                default -> throw new IllegalArgumentException("unknown selector operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean inBlock(IPBlock block, String ip) {
        if (!inCidr(block.getCidr(), ip)) {
            return false;
        }
        for (String except : nullToEmpty(block.getExcept())) {
            if (inCidr(except, ip)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inCidr(String cidr, String ip) {
        String[] parts = cidr.split("/");
        if (parts[0].contains(":") || ip.contains(":")) {
            return parts[0].contains(":") == ip.contains(":") && "0".equals(parts.length > 1 ? parts[1] : "128");
        }
        int bits = parts.length > 1 ? Integer.parseInt(parts[1]) : 32;
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (toLong(parts[0]) & mask) == (toLong(ip) & mask);
    }

    private static long toLong(String ip) {
        long v = 0;
        for (String octet : ip.split("\\.")) {
            v = (v << 8) | Integer.parseInt(octet);
        }
        return v;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
