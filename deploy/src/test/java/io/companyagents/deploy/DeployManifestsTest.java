package io.companyagents.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.companyagents.deploy.PolicyEvaluator.Endpoint;
import io.companyagents.platform.events.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.companyagents.deploy.SourceFacts.COMPONENTS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders every overlay in deploy/kubernetes/overlays with Kustomize and checks the result as
 * Kubernetes objects against what the services' own sources and ARCHITECTURE.md say.
 */
class DeployManifestsTest {

    private static final String VERSION = System.getProperty("project.version");
    private static final String KAFKA_CLUSTER = "company-agents-kafka";
    private static final String KAFKA_CA_SECRET = KAFKA_CLUSTER + "-cluster-ca-cert";
    private static final String DB_CLUSTER = "company-agents-db";

    static Stream<String> overlays() {
        List<String> overlays = Rendered.overlays();
        assertTrue(overlays.containsAll(List.of("dev", "production")), "dev and production overlays exist: " + overlays);
        return overlays.stream();
    }

    // ---------------------------------------------------------------- workloads

    @ParameterizedTest
    @MethodSource("overlays")
    void everyComponentIsADeploymentWithProbesOnQuarkusHealthAndResourceLimits(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        assertEquals(new TreeSet<>(COMPONENTS), r.all(Deployment.class).stream().map(d -> d.getMetadata().getName())
                .collect(Collectors.toCollection(TreeSet::new)), overlay + ": one Deployment per component");
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            Container main = mainContainer(d, component);
            int port = SourceFacts.httpPort(component);
            ContainerPort http = main.getPorts().stream().filter(p -> "http".equals(p.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError(component + " has no port named http"));
            assertEquals(port, http.getContainerPort(), component + " listens on quarkus.http.port");
            assertProbe(component, "startup", main.getStartupProbe(), "/q/health/started", main);
            assertProbe(component, "liveness", main.getLivenessProbe(), "/q/health/live", main);
            assertProbe(component, "readiness", main.getReadinessProbe(), "/q/health/ready", main);
            for (Container c : allContainers(d)) {
                assertResources(overlay + "/" + component + "/" + c.getName(), c.getResources());
                assertNotNull(c.getSecurityContext(), component + "/" + c.getName() + " has a security context");
                assertFalse(Boolean.TRUE.equals(c.getSecurityContext().getAllowPrivilegeEscalation()));
                assertTrue(Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem()), c.getName() + " read-only root");
            }
            assertTrue(Boolean.TRUE.equals(d.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()),
                    component + " runs as non-root");
            assertEquals(0, d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal(),
                    component + ": a rollout never drops below the wanted replicas");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void schemasAreMigratedByAnInitContainerBeforeTheNewVersionServes(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            Container main = mainContainer(d, component);
            List<Container> inits = d.getSpec().getTemplate().getSpec().getInitContainers();
            Container migrate = inits == null ? null : inits.stream()
                    .filter(c -> "true".equals(env(c, "QUARKUS_INIT_AND_EXIT"))).findFirst().orElse(null);
            assertNotNull(migrate, component + ": an init container runs the application with quarkus.init-and-exit");
            assertEquals(main.getImage(), migrate.getImage(), component + ": the migration is the new version's");
            assertEquals("true", env(migrate, "QUARKUS_FLYWAY_MIGRATE_AT_START"), component + ": it migrates");
            assertEquals("false", env(main, "QUARKUS_FLYWAY_MIGRATE_AT_START"), component + ": the server does not migrate again");
            assertEquals(secretRef(main, "QUARKUS_DATASOURCE_PASSWORD"), secretRef(migrate, "QUARKUS_DATASOURCE_PASSWORD"),
                    component + ": the migration connects as the service's role");
            assertEquals(main.getEnvFrom(), migrate.getEnvFrom(), component + ": same configuration");
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void imagesAreTheOnesTheBuildProducesTaggedWithTheProjectVersion(String overlay) {
        assertNotNull(VERSION, "project.version system property");
        Rendered r = Rendered.overlay(overlay);
        Map<String, String> dockerfiles = SourceFacts.dockerfiles();
        for (String component : COMPONENTS) {
            String dockerfile = dockerfiles.get(component);
            assertNotNull(dockerfile, component + "/src/main/docker/Dockerfile.jvm exists");
            assertTrue(dockerfile.contains("COPY --chown=185 target/quarkus-app/lib/ /deployments/lib/")
                    && dockerfile.contains("target/quarkus-app/quarkus/") && dockerfile.contains("quarkus-run.jar"),
                    component + ": the Dockerfile packages the Quarkus fast-jar");
            assertTrue(Pattern.compile("(?m)^EXPOSE " + SourceFacts.httpPort(component) + "$").matcher(dockerfile).find(),
                    component + ": the Dockerfile exposes quarkus.http.port");
            assertTrue(dockerfile.contains("-t company-agents/" + component + ":"), component + ": the documented tag");
            for (Container c : allContainers(r.one(Deployment.class, component))) {
                String image = c.getImage();
                int colon = image.lastIndexOf(':');
                assertTrue(colon > image.lastIndexOf('/'), image + " has a tag");
                assertEquals(VERSION, image.substring(colon + 1), overlay + ": " + image + " is tagged with the project version");
                String repository = image.substring(0, colon);
                assertTrue(repository.equals("company-agents/" + component) || repository.endsWith("/company-agents/" + component),
                        overlay + ": " + image + " is the image built from " + component);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyComponentHasAServiceADisruptionBudgetAndAnAutoscalerAndOnlyTheGatewayAnIngress(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            Service s = r.one(Service.class, component);
            assertTrue(PolicyEvaluator.selects(new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                    .withMatchLabels(s.getSpec().getSelector()).build(), podLabels), component + ": the Service selects its pods");
            assertEquals(SourceFacts.httpPort(component), s.getSpec().getPorts().get(0).getPort());
            PodDisruptionBudget pdb = r.one(PodDisruptionBudget.class, component);
            assertTrue(PolicyEvaluator.selects(pdb.getSpec().getSelector(), podLabels), component + ": the PDB covers its pods");
            HorizontalPodAutoscaler hpa = r.one(HorizontalPodAutoscaler.class, component);
            assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
            assertEquals(component, hpa.getSpec().getScaleTargetRef().getName());
            assertTrue(hpa.getSpec().getMinReplicas() >= 1 && hpa.getSpec().getMinReplicas() <= hpa.getSpec().getMaxReplicas());
            if (hpa.getSpec().getMinReplicas() > 1) {
                assertTrue(pdb.getSpec().getMaxUnavailable() != null || pdb.getSpec().getMinAvailable() != null);
            }
        }
        List<Ingress> ingresses = r.all(Ingress.class);
        assertEquals(1, ingresses.size(), overlay + ": one Ingress");
        for (IngressRule rule : ingresses.get(0).getSpec().getRules()) {
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                assertEquals("gateway", path.getBackend().getService().getName(), "the Ingress reaches only the gateway");
                assertFalse(path.getPath().startsWith("/q/health") || path.getPath().startsWith("/q/metrics")
                        || "/".equals(path.getPath()), "health and metrics stay inside: " + path.getPath());
            }
        }
    }

    // ---------------------------------------------------------------- configuration and credentials

    private static final Pattern SECRET_NAME = Pattern.compile("(?i)(PASSWORD|PASSWD|SECRET|TOKEN|JAAS|CREDENTIAL|PRIVATE|"
            + "ADMIN_KEY|MASTER_KEY|API_KEY|ACCESS_KEY|SIGN_KEY)");
    private static final Pattern NOT_A_SECRET_NAME = Pattern.compile("(?i).*(_LOCATION|_FILE|_PATH|_URL|_PROVIDER|_ROLE|_TRANSIT_KEY)$");
    private static final Pattern SECRET_VALUE = Pattern.compile("-----BEGIN|ca_(admin|board|agent)_[0-9a-f]{48}|"
            + "(?i)password\\s*=|://[^/@\\s]+:[^/@\\s]+@|[A-Za-z0-9+/]{40,}={0,2}");

    @ParameterizedTest
    @MethodSource("overlays")
    void credentialsComeFromSecretsByNameAndNeverAppearInTheManifests(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        List<Secret> secrets = r.all(Secret.class);
        assertTrue(secrets.isEmpty(), overlay + ": no Secret is rendered (they are created out of band): "
                + secrets.stream().map(s -> s.getMetadata().getName()).toList());
        for (ConfigMap cm : r.all(ConfigMap.class)) {
            if (cm.getMetadata().getName().contains("dashboard")) {
                continue;
            }
            cm.getData().forEach((k, v) -> {
                assertFalse(SECRET_NAME.matcher(k).find() && !NOT_A_SECRET_NAME.matcher(k).matches(),
                        "ConfigMap " + cm.getMetadata().getName() + " holds a secret-like key " + k);
                assertFalse(SECRET_VALUE.matcher(v).find(), "ConfigMap " + cm.getMetadata().getName() + "/" + k + " looks secret");
            });
        }
        Set<String> knownSecrets = knownSecretNames(r);
        for (Deployment d : r.all(Deployment.class)) {
            String component = d.getMetadata().getName();
            for (Container c : allContainers(d)) {
                for (EnvVar e : c.getEnv() == null ? List.<EnvVar>of() : c.getEnv()) {
                    boolean secretLike = (SECRET_NAME.matcher(e.getName()).find() && !NOT_A_SECRET_NAME.matcher(e.getName()).matches())
                            || (e.getValue() != null && SECRET_VALUE.matcher(e.getValue()).find());
                    if (secretLike) {
                        assertTrue(e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null,
                                overlay + ": " + component + "/" + c.getName() + " env " + e.getName() + " must come from a Secret");
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        String name = e.getValueFrom().getSecretKeyRef().getName();
                        assertTrue(knownSecrets.contains(name), component + " references Secret " + name
                                + ", which neither deploy/scripts/create-secrets.sh nor an operator creates");
                    }
                }
            }
            for (Volume v : d.getSpec().getTemplate().getSpec().getVolumes()) {
                if (v.getSecret() != null) {
                    assertTrue(knownSecrets.contains(v.getSecret().getSecretName()), component + " mounts unknown Secret "
                            + v.getSecret().getSecretName());
                }
            }
            Container main = mainContainer(d, component);
            assertNotNull(secretRef(main, "QUARKUS_DATASOURCE_PASSWORD"), component + ": database password from a Secret");
            assertNotNull(secretRef(main, "KAFKA_SASL_JAAS_CONFIG"), component + ": Kafka credentials from a Secret");
        }
        ConfigMap config = r.one(ConfigMap.class, "company-agents-config");
        String url = config.getData().get("DATABASE_URL");
        assertTrue(url.startsWith("postgres://" + DB_CLUSTER + "-rw:") && !url.contains("@"),
                "DATABASE_URL points at the CloudNativePG primary, without credentials: " + url);
        for (String key : List.of("DATABASE_URL", "PGSSLMODE", "DATABASE_POOL_MIN", "DATABASE_POOL_MAX",
                "KAFKA_BOOTSTRAP_SERVERS", "COMPANY_AGENTS_INSTANCE_DIR", "MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
            assertTrue(config.getData().containsKey(key), "company-agents-config sets " + key);
        }
        for (String component : COMPONENTS) {
            if (!"gateway".equals(component)) {
                String service = component.replace("-service", "").toUpperCase();
                assertEquals("http://" + component + ":" + SourceFacts.httpPort(component),
                        config.getData().get("COMPANY_AGENTS_SERVICES_" + service + "_URL"), "the gateway finds " + component);
            }
        }
    }

    /** Secrets the operator's script creates, the KafkaUsers' Secrets (User Operator) and the Kafka cluster CA (Strimzi). */
    private static Set<String> knownSecretNames(Rendered r) {
        String script = SourceFacts.createSecretsScript();
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("\\b(company-agents-[a-z0-9-]+[a-z0-9])\\b").matcher(script);
        while (m.find()) {
            names.add(m.group(1));
        }
        assertTrue(script.contains("name=\"company-agents-db-$component\""), "the script makes one DB Secret per component");
        for (String component : COMPONENTS) {
            assertTrue(script.contains(component + ":ca_"), "the script knows " + component + "'s role");
            names.add("company-agents-db-" + component);
        }
        r.custom("KafkaUser").forEach(u -> names.add(u.getMetadata().getName()));
        names.add(KAFKA_CA_SECRET);
        return names;
    }

    // ---------------------------------------------------------------- Kafka (Strimzi)

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaIsAKraftClusterWithEveryTopicTheServicesUse(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        GenericKubernetesResource kafka = r.customOne("Kafka", KAFKA_CLUSTER);
        assertEquals("kafka.strimzi.io/v1beta2", kafka.getApiVersion());
        assertEquals("enabled", kafka.getMetadata().getAnnotations().get("strimzi.io/kraft"), "KRaft");
        assertTrue(Rendered.at(kafka, "spec.zookeeper") == null, "no ZooKeeper");
        List<GenericKubernetesResource> pools = r.custom("KafkaNodePool").stream()
                .filter(p -> KAFKA_CLUSTER.equals(p.getMetadata().getLabels().get("strimzi.io/cluster"))).toList();
        assertFalse(pools.isEmpty(), "a KafkaNodePool");
        List<String> roles = pools.stream().flatMap(p -> Rendered.<List<String>>at(p, "spec.roles").stream()).toList();
        assertTrue(roles.contains("controller") && roles.contains("broker"), "KRaft controllers and brokers: " + roles);
        int brokers = pools.stream().filter(p -> Rendered.<List<String>>at(p, "spec.roles").contains("broker"))
                .mapToInt(p -> ((Number) Rendered.at(p, "spec.replicas")).intValue()).sum();

        List<Map<String, Object>> listeners = Rendered.at(kafka, "spec.kafka.listeners");
        Map<String, Object> listener = listeners.stream().filter(l -> ((Number) l.get("port")).intValue() == 9093)
                .findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, listener.get("tls"));
        assertEquals("scram-sha-512", ((Map<?, ?>) listener.get("authentication")).get("type"));
        assertEquals("simple", Rendered.at(kafka, "spec.kafka.authorization.type"));
        Map<String, Object> brokerConfig = Rendered.at(kafka, "spec.kafka.config");
        assertEquals(Boolean.FALSE, brokerConfig.get("auto.create.topics.enable"), "topics are declared, never auto-created");

        Map<String, GenericKubernetesResource> topics = new LinkedHashMap<>();
        for (GenericKubernetesResource t : r.custom("KafkaTopic")) {
            assertEquals(KAFKA_CLUSTER, t.getMetadata().getLabels().get("strimzi.io/cluster"));
            String name = Rendered.at(t, "spec.topicName");
            topics.put(name == null ? t.getMetadata().getName() : name, t);
        }
        assertEquals(new TreeSet<>(Topics.ALL), new TreeSet<>(topics.keySet()), overlay + ": a KafkaTopic for each of Topics.ALL");
        for (var e : topics.entrySet()) {
            GenericKubernetesResource t = e.getValue();
            int partitions = ((Number) Rendered.at(t, "spec.partitions")).intValue();
            int replicas = ((Number) Rendered.at(t, "spec.replicas")).intValue();
            Map<String, Object> config = Rendered.at(t, "spec.config");
            assertTrue(partitions >= 3, e.getKey() + " has partitions to spread companies over");
            assertTrue(replicas >= 1 && replicas <= brokers, e.getKey() + ": replicas fit the brokers");
            assertTrue(config.containsKey("retention.ms"), e.getKey() + " says how long it keeps events");
            assertTrue(Integer.parseInt(String.valueOf(config.get("min.insync.replicas"))) <= replicas);
        }
        if (brokers >= 3) {
            topics.forEach((name, t) -> assertEquals(3, ((Number) Rendered.at(t, "spec.replicas")).intValue(), name + " replicated"));
        }
        // Every topic a service consumes or writes is declared.
        for (String component : COMPONENTS) {
            for (SourceFacts.Incoming in : SourceFacts.incoming(component)) {
                assertTrue(topics.keySet().containsAll(in.topics()), component + " consumes " + in.topics());
            }
            assertTrue(topics.keySet().containsAll(SourceFacts.outgoingTopics(component)));
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachComponentHasAKafkaUserAllowedExactlyWhatItDoes(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            String userName = secretRef(mainContainer(d, component), "KAFKA_SASL_JAAS_CONFIG");
            GenericKubernetesResource user = r.customOne("KafkaUser", userName);
            assertEquals(KAFKA_CLUSTER, user.getMetadata().getLabels().get("strimzi.io/cluster"));
            assertEquals("scram-sha-512", Rendered.at(user, "spec.authentication.type"));
            assertEquals("sasl.jaas.config", mainContainer(d, component).getEnv().stream()
                    .filter(e -> "KAFKA_SASL_JAAS_CONFIG".equals(e.getName())).findFirst().orElseThrow()
                    .getValueFrom().getSecretKeyRef().getKey());

            Set<String> expected = new TreeSet<>();
            expected.add("topic " + SourceFacts.PUBLISHES.get(component) + " Write");
            for (String t : SourceFacts.outgoingTopics(component)) {
                expected.add("topic " + t + " Write");
            }
            for (SourceFacts.Incoming in : SourceFacts.incoming(component)) {
                in.topics().forEach(t -> expected.add("topic " + t + " Read"));
                expected.add("group " + in.group() + " Read");
                if (in.deadLetterTopic() != null) {
                    expected.add("topic " + in.deadLetterTopic() + " Write");
                }
            }
            Set<String> actual = new TreeSet<>();
            List<Map<String, Object>> acls = Rendered.at(user, "spec.authorization.acls");
            for (Map<String, Object> acl : acls) {
                Map<?, ?> resource = (Map<?, ?>) acl.get("resource");
                assertEquals("literal", resource.get("patternType"), "no prefix or wildcard grants");
                @SuppressWarnings("unchecked")
                List<String> ops = (List<String>) acl.get("operations");
                for (String op : ops) {
                    if (!"Describe".equals(op)) {
                        actual.add(resource.get("type") + " " + resource.get("name") + " " + op);
                    }
                }
            }
            assertEquals(expected, actual, overlay + ": " + component + "'s Kafka ACLs");
        }
    }

    // ---------------------------------------------------------------- Postgres (CloudNativePG)

    @ParameterizedTest
    @MethodSource("overlays")
    void postgresHasOneRoleAndOneSchemaPerServiceAndProductionBacksUp(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        GenericKubernetesResource cluster = r.customOne("Cluster", DB_CLUSTER);
        assertEquals("postgresql.cnpg.io/v1", cluster.getApiVersion());
        List<Map<String, Object>> roles = Rendered.at(cluster, "spec.managed.roles");
        Map<String, Map<String, Object>> rolesBySecret = new HashMap<>();
        for (Map<String, Object> role : roles) {
            assertEquals(Boolean.TRUE, role.get("login"));
            assertFalse(Boolean.TRUE.equals(role.get("superuser")), role.get("name") + " is no superuser");
            assertFalse(Boolean.TRUE.equals(role.get("createdb")), role.get("name") + " creates no databases");
            rolesBySecret.put((String) ((Map<?, ?>) role.get("passwordSecret")).get("name"), role);
        }
        assertEquals(COMPONENTS.size(), roles.size(), "one role per component");

        GenericKubernetesResource database = r.custom("Database").stream()
                .filter(db -> DB_CLUSTER.equals(Rendered.at(db, "spec.cluster.name"))).findFirst().orElseThrow();
        String dbName = Rendered.at(database, "spec.name");
        assertTrue(r.one(ConfigMap.class, "company-agents-config").getData().get("DATABASE_URL").endsWith("/" + dbName));
        Map<String, String> schemaOwners = new HashMap<>();
        for (Map<String, Object> schema : Rendered.<List<Map<String, Object>>>at(database, "spec.schemas")) {
            schemaOwners.put((String) schema.get("name"), (String) schema.get("owner"));
        }
        assertEquals(COMPONENTS.stream().map(SourceFacts::schema).collect(Collectors.toCollection(TreeSet::new)),
                new TreeSet<>(schemaOwners.keySet()), "a schema for each service's company-agents.schema");

        for (String component : COMPONENTS) {
            Container main = mainContainer(r.one(Deployment.class, component), component);
            String secret = secretRef(main, "QUARKUS_DATASOURCE_PASSWORD");
            assertEquals(secret, secretRef(main, "QUARKUS_DATASOURCE_USERNAME"), component + ": user and password from one Secret");
            Map<String, Object> role = rolesBySecret.get(secret);
            assertNotNull(role, component + " logs in with Secret " + secret + ", which sets a managed role's password");
            String schema = SourceFacts.schema(component);
            assertEquals(role.get("name"), schemaOwners.get(schema), component + "'s role owns schema " + schema);
            assertEquals(SourceFacts.migrationsCreateRoles(component), Boolean.TRUE.equals(role.get("createrole")),
                    component + ": CREATEROLE exactly when its migrations create a role");
            assertTrue(SourceFacts.createSecretsScript().contains(component + ":" + role.get("name")),
                    "create-secrets.sh names " + component + "'s role " + role.get("name"));
        }

        boolean production = overlay.startsWith("production");
        Map<String, Object> backup = Rendered.at(cluster, "spec.backup");
        List<GenericKubernetesResource> scheduled = r.custom("ScheduledBackup");
        if (production) {
            assertNotNull(backup, "production archives WAL and keeps base backups");
            assertNotNull(Rendered.at(cluster, "spec.backup.barmanObjectStore.destinationPath"));
            assertNotNull(Rendered.at(cluster, "spec.backup.retentionPolicy"));
            assertTrue(scheduled.stream().anyMatch(s -> DB_CLUSTER.equals(Rendered.at(s, "spec.cluster.name"))), "nightly backup");
            assertTrue(((Number) Rendered.at(cluster, "spec.instances")).intValue() >= 3, "production runs a replicated Postgres");
        } else {
            assertTrue(scheduled.isEmpty() == (backup == null), "a schedule only with a backup target");
        }
    }

    // ---------------------------------------------------------------- network policies

    @ParameterizedTest
    @MethodSource("overlays")
    void networkPoliciesAdmitExactlyWhatTheArchitectureDescribes(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        String ns = r.namespace();
        PolicyEvaluator policies = new PolicyEvaluator(r.all(NetworkPolicy.class));

        Map<String, Endpoint> app = new LinkedHashMap<>();
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            Map<String, Integer> ports = new HashMap<>();
            mainContainer(d, component).getPorts().forEach(p -> ports.put(p.getName(), p.getContainerPort()));
            app.put(component, Endpoint.pod(component, ns, d.getSpec().getTemplate().getMetadata().getLabels()).withPorts(ports));
        }
        Endpoint postgres = Endpoint.pod("postgres", ns, Map.of("cnpg.io/cluster", DB_CLUSTER, "cnpg.io/instanceRole", "primary",
                "cnpg.io/podRole", "instance"));
        Endpoint postgresReplica = Endpoint.pod("postgres-replica", ns, Map.of("cnpg.io/cluster", DB_CLUSTER,
                "cnpg.io/instanceRole", "replica", "cnpg.io/podRole", "instance"));
        Endpoint kafka = Endpoint.pod("kafka", ns, Map.of("strimzi.io/cluster", KAFKA_CLUSTER, "strimzi.io/kind", "Kafka",
                "strimzi.io/name", KAFKA_CLUSTER + "-kafka", "strimzi.io/broker-role", "true"));
        Endpoint ingressController = Endpoint.pod("ingress-controller", "ingress-nginx",
                Map.of("app.kubernetes.io/name", "ingress-nginx"));
        Endpoint prometheus = Endpoint.pod("prometheus", "monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
        Endpoint dns = Endpoint.pod("kube-dns", "kube-system", Map.of("k8s-app", "kube-dns"));
        Endpoint cnpgOperator = Endpoint.pod("cnpg-operator", "cnpg-system", Map.of("app.kubernetes.io/name", "cloudnative-pg"));
        Endpoint vault = Endpoint.pod("vault", "vault", Map.of("app.kubernetes.io/name", "vault"));
        Endpoint stranger = Endpoint.pod("stranger", ns, Map.of("app", "something-else"));
        Endpoint otherNamespace = Endpoint.pod("other", "default", Map.of());
        Endpoint internet = Endpoint.external("internet", "203.0.113.7");
        boolean vaultWired = r.all(NetworkPolicy.class).stream().anyMatch(p -> p.getMetadata().getName().contains("vault"));

        // The paths ARCHITECTURE.md describes, plus DNS and the metrics scrape.
        Set<String> expected = new TreeSet<>();
        expected.add("ingress-controller -> gateway:8080/TCP");
        for (String component : COMPONENTS) {
            int port = SourceFacts.httpPort(component);
            if (!"gateway".equals(component)) {
                expected.add("gateway -> " + component + ":" + port + "/TCP");
            }
            expected.add(component + " -> postgres:5432/TCP");
            expected.add(component + " -> postgres-replica:5432/TCP");
            expected.add(component + " -> kafka:9093/TCP");
            expected.add(component + " -> kube-dns:53/UDP");
            expected.add(component + " -> kube-dns:53/TCP");
            expected.add("prometheus -> " + component + ":" + port + "/TCP");
        }
        expected.add("agents-service -> secrets-service:8185/TCP");
        if (vaultWired) {
            expected.add("secrets-service -> vault:8200/TCP");
        }
        // The database pods: their clients, each other, the operator, the exporter scrape.
        expected.add("postgres-replica -> postgres:5432/TCP");
        expected.add("postgres-replica -> postgres:8000/TCP");
        expected.add("postgres-replica -> postgres:9187/TCP");
        expected.add("cnpg-operator -> postgres:5432/TCP");
        expected.add("cnpg-operator -> postgres:8000/TCP");
        expected.add("prometheus -> postgres:9187/TCP");

        List<Endpoint> sources = new ArrayList<>(app.values());
        sources.addAll(List.of(ingressController, prometheus, cnpgOperator, postgresReplica, stranger, otherNamespace, internet));
        Map<Endpoint, List<String>> targets = new LinkedHashMap<>();
        for (Endpoint e : app.values()) {
            targets.put(e, List.of("8080/TCP", "8181/TCP", "8182/TCP", "8183/TCP", "8184/TCP", "8185/TCP", "5005/TCP", "22/TCP"));
        }
        targets.put(postgres, List.of("5432/TCP", "8000/TCP", "9187/TCP"));
        targets.put(kafka, List.of("9093/TCP", "9092/TCP", "9091/TCP", "9090/TCP"));
        targets.put(dns, List.of("53/UDP", "53/TCP"));
        targets.put(ingressController, List.of("443/TCP"));
        targets.put(prometheus, List.of("9090/TCP"));
        targets.put(vault, List.of("8200/TCP"));
        targets.put(stranger, List.of("8080/TCP"));
        targets.put(otherNamespace, List.of("8080/TCP"));
        targets.put(internet, List.of("443/TCP", "80/TCP"));

        List<String> wrong = new ArrayList<>();
        for (Endpoint from : sources) {
            for (var target : targets.entrySet()) {
                Endpoint to = target.getKey();
                if (from == to) {
                    continue;
                }
                boolean ours = app.containsValue(from) || app.containsValue(to) || to == postgres;
                if (!ours) {
                    continue;
                }
                for (String portProto : target.getValue()) {
                    String[] pp = portProto.split("/");
                    int port = Integer.parseInt(pp[0]);
                    String edge = from.name() + " -> " + to.name() + ":" + portProto;
                    boolean allowed = policies.allowed(from, to, port, pp[1]);
                    if (allowed != expected.contains(edge)) {
                        wrong.add((allowed ? "admitted but not in the architecture: " : "denied but needed: ") + edge);
                    }
                }
            }
        }
        if (!wrong.isEmpty()) {
            fail(overlay + ": network policies disagree with ARCHITECTURE.md:\n  " + String.join("\n  ", wrong));
        }
        GenericKubernetesResource kafkaCr = r.customOne("Kafka", KAFKA_CLUSTER);
        List<Map<String, Object>> listeners = Rendered.at(kafkaCr, "spec.kafka.listeners");
        for (Map<String, Object> l : listeners) {
            assertNotNull(l.get("networkPolicyPeers"), "Strimzi restricts listener " + l.get("name") + " to Company Agents pods");
        }
    }

    // ---------------------------------------------------------------- observability

    @ParameterizedTest
    @MethodSource("overlays")
    void metricsAreScrapedAndTheDashboardShowsFiguresTheServicesExpose(String overlay) throws Exception {
        Rendered r = Rendered.overlay(overlay);
        GenericKubernetesResource monitor = r.customOne("PodMonitor", "company-agents");
        List<Map<String, Object>> endpoints = Rendered.at(monitor, "spec.podMetricsEndpoints");
        assertEquals("/q/metrics", endpoints.get(0).get("path"));
        assertEquals("http", endpoints.get(0).get("port"));
        for (String component : COMPONENTS) {
            Deployment d = r.one(Deployment.class, component);
            Map<String, String> annotations = d.getSpec().getTemplate().getMetadata().getAnnotations();
            assertEquals("/q/metrics", annotations.get("prometheus.io/path"));
            assertEquals(String.valueOf(SourceFacts.httpPort(component)), annotations.get("prometheus.io/port"));
            assertTrue(PolicyEvaluator.selects(toSelector(monitor), d.getSpec().getTemplate().getMetadata().getLabels()),
                    "the PodMonitor scrapes " + component);
        }
        ConfigMap dashboard = r.one(ConfigMap.class, "company-agents-grafana-dashboard");
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().values().iterator().next());
        Set<String> exposed = SourceFacts.businessMetricNames();
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\bcompany_agents_[a-z0-9_]+").matcher(json.toString());
        while (m.find()) {
            used.add(m.group());
        }
        for (String name : used) {
            String base = name.replaceAll("_(total|bucket|count|sum|max)$", "").replaceAll("_seconds$", "");
            assertTrue(exposed.contains(base), "the dashboard uses " + name + ", which no service registers (" + exposed + ")");
        }
        for (String figure : List.of("company_agents_claims", "company_agents_lease_expiries", "company_agents_lease_reaper_batch",
                "company_agents_outbox_backlog", "company_agents_outbox_publish_lag", "company_agents_audit_append_lag",
                "company_agents_dead_letters", "company_agents_budget_incidents_open", "company_agents_kek_rotation_keys")) {
            assertTrue(exposed.contains(figure), "a service registers " + figure);
            assertTrue(used.stream().anyMatch(u -> u.startsWith(figure)), "the dashboard shows " + figure);
        }
        assertTrue(json.toString().contains("kafka_consumer_fetch_manager_records_lag_max"), "the dashboard shows consumer lag");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingLandsInTheOverlaysNamespace(String overlay) {
        Rendered r = Rendered.overlay(overlay);
        String ns = r.namespace();
        for (var resource : r.resources) {
            if (!"Namespace".equals(resource.getKind())) {
                assertEquals(ns, resource.getMetadata().getNamespace(), overlay + ": " + resource.getKind() + " "
                        + resource.getMetadata().getName() + " is in namespace " + ns);
            }
        }
    }

    @Test
    void theKustomizeUsedIsReal() {
        assertTrue(Rendered.kustomizeCommand().isPresent(), "kustomize or kubectl on the PATH");
    }

    // ---------------------------------------------------------------- helpers

    private static io.fabric8.kubernetes.api.model.LabelSelector toSelector(GenericKubernetesResource monitor) {
        Map<String, Object> selector = Rendered.at(monitor, "spec.selector");
        return new ObjectMapper().convertValue(selector, io.fabric8.kubernetes.api.model.LabelSelector.class);
    }

    private static Container mainContainer(Deployment d, String component) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream().filter(c -> component.equals(c.getName()))
                .findFirst().orElseThrow(() -> new AssertionError(component + ": no container named " + component));
    }

    private static List<Container> allContainers(Deployment d) {
        List<Container> all = new ArrayList<>(d.getSpec().getTemplate().getSpec().getContainers());
        if (d.getSpec().getTemplate().getSpec().getInitContainers() != null) {
            all.addAll(d.getSpec().getTemplate().getSpec().getInitContainers());
        }
        return all;
    }

    private static String env(Container c, String name) {
        return c.getEnv() == null ? null : c.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue)
                .findFirst().orElse(null);
    }

    private static String secretRef(Container c, String name) {
        return c.getEnv() == null ? null : c.getEnv().stream()
                .filter(e -> name.equals(e.getName()) && e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null)
                .map(e -> e.getValueFrom().getSecretKeyRef().getName()).findFirst().orElse(null);
    }

    private static void assertProbe(String component, String kind, Probe probe, String path, Container c) {
        assertNotNull(probe, component + " has a " + kind + " probe");
        HTTPGetAction get = probe.getHttpGet();
        assertNotNull(get, component + "'s " + kind + " probe is an HTTP GET");
        assertEquals(path, get.getPath(), component + "'s " + kind + " probe");
        int port = get.getPort().getIntVal() != null ? get.getPort().getIntVal()
                : c.getPorts().stream().filter(p -> get.getPort().getStrVal().equals(p.getName())).findFirst()
                .orElseThrow().getContainerPort();
        assertEquals(SourceFacts.httpPort(component), port, component + "'s " + kind + " probe port");
    }

    private static void assertResources(String where, ResourceRequirements resources) {
        assertNotNull(resources, where + " has resources");
        for (String kind : List.of("cpu", "memory")) {
            Quantity request = resources.getRequests() == null ? null : resources.getRequests().get(kind);
            Quantity limit = resources.getLimits() == null ? null : resources.getLimits().get(kind);
            assertNotNull(request, where + " requests " + kind);
            assertNotNull(limit, where + " is limited in " + kind);
            assertTrue(limit.getNumericalAmount().compareTo(request.getNumericalAmount()) >= 0, where + ": " + kind + " limit >= request");
        }
    }
}
