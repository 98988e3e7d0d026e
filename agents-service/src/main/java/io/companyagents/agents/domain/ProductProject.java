package io.companyagents.agents.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** One entry of a product's map: the project this team builds the product in. */
@Entity
@Table(name = "product_projects")
public class ProductProject extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "company_id")
    public UUID companyId;

    @Column(name = "product_id")
    public UUID productId;

    @Column(name = "team_id")
    public UUID teamId;

    @Column(name = "project_id")
    public UUID projectId;
}
