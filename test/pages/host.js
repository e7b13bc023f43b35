// Stands for the host page's own script: it must keep running whatever OneToOne does.
document.body.dataset.hostScript = 'ran';
